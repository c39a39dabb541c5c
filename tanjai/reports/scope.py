"""Whose figures a report shows: the organisation, a region or a branch, and who may
read them (everyone but technicians, within their own scope)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tanjai.accounts import scope as staff_scope
from tanjai.accounts.models import ScopeLevel
from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
from tanjai.organisation.models import Branch, Region


class ScopeError(ValueError):
    pass


@dataclass(frozen=True)
class Scope(staff_scope.Scope):
    """A scope as a report names it: `code` as it is asked for (`org`, `region:N`,
    `branch:CODE`) and `label` as the report shows it. Its figures are those of the rows `q`
    selects (`q("complaint__")` through a complaint)."""

    code: str = "org"
    label: str = ""

    def __post_init__(self) -> None:
        if not self.label and self.level == ScopeLevel.ORG:
            object.__setattr__(self, "label", str(_("PWA, whole organisation")))

    def branch_ids(self) -> list[int] | None:
        if self.level == ScopeLevel.BRANCH:
            return [self.branch_id]  # type: ignore[list-item]
        if self.level == ScopeLevel.REGION:
            return list(
                Branch.objects.filter(region_id=self.region_id or 0).values_list("pk", flat=True)
            )
        return None

    def allowed(self, actor: Actor) -> bool:
        """Whether the actor's scope holds this one. A region's scope names no branch and the
        organisation's neither region nor branch, so only a scope as wide covers them."""
        return actor.covers(region_id=self.region_id, branch_id=self.branch_id)


# Who may read reports: everyone but technicians, within their own scope.
REPORT_ROLES = frozenset(
    {
        Role.CHANNEL_OFFICER,
        Role.CENTRE_STAFF,
        Role.BRANCH_MANAGER,
        Role.REGION_OFFICER,
        Role.HQ_ANALYST,
        Role.COMMITTEE,
        Role.EVALUATOR,
    }
)


def report_allowed(actor: Actor, scope: Scope) -> bool:
    return actor.has_any(REPORT_ROLES) and scope.allowed(actor)


def scope_parse(text: str) -> Scope:
    """`org` | `region:N` | `branch:CODE`."""
    value = (text or "org").strip()
    if value == "org":
        return Scope(ScopeLevel.ORG)
    kind, _sep, key = value.partition(":")
    if kind == "region" and key.isdigit():
        region = Region.objects.filter(number=int(key)).first()
        if region is not None:
            return Scope(ScopeLevel.REGION, region_id=region.pk, code=value, label=region.name)
    elif kind == "branch" and key:
        branch = Branch.objects.filter(code=key.lower()).first()
        if branch is not None:
            return Scope(
                ScopeLevel.BRANCH,
                region_id=branch.region_id,
                branch_id=branch.pk,
                code=f"branch:{branch.code}",
                label=branch.name,
            )
    raise ScopeError(
        _("%(text)s is not a scope: give org, region:N or branch:CODE.") % {"text": text}
    )


def scope_of(actor: Actor) -> Scope:
    """The widest scope the actor may report on: their own."""
    own = actor.scope
    if own.level == ScopeLevel.ORG:
        return Scope(ScopeLevel.ORG)
    if own.level == ScopeLevel.REGION and own.region_id:
        region = Region.objects.get(pk=own.region_id)
        return Scope(
            ScopeLevel.REGION,
            region_id=region.pk,
            code=f"region:{region.number}",
            label=region.name,
        )
    branch = Branch.objects.filter(pk=own.branch_id or 0).first()
    if branch is None:
        raise ScopeError(_("Your account has no branch, region or organisation scope."))
    return Scope(
        ScopeLevel.BRANCH,
        region_id=branch.region_id,
        branch_id=branch.pk,
        code=f"branch:{branch.code}",
        label=branch.name,
    )
