"""Reads for following up issues (step 9): the units in an order people can scan, the
people of a unit who may own its action, and which actions are overdue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.accounts.models import ScopeLevel
from tanjai.accounts.roles import ROLE_LABELS
from tanjai.core.text import thai_sort_key
from tanjai.improvement.models import FINISHED, ImprovementAction, OrgIssue
from tanjai.organisation.models import Region, Unit


def thai_order(names: Iterable[str]) -> dict[str, int]:
    """Each name's place in Thai dictionary order (a leading vowel เ แ โ ใ ไ is passed
    over: เชียงใหม่ after ชลบุรี), which code-point order and most database collations miss."""
    return {name: i for i, name in enumerate(sorted(set(names), key=thai_sort_key))}


def units_grouped() -> list[tuple[str, list[Unit]]]:
    """The active units: head office's departments, then each region by number with its
    own units and then its branches' units in the Thai order of the branches' names."""
    units = list(Unit.objects.filter(active=True).select_related("branch", "region"))
    rank = thai_order([u.name_th for u in units] + [u.branch.name_th for u in units if u.branch])

    def region_id(unit: Unit) -> int | None:
        return unit.branch.region_id if unit.branch else unit.region_id

    def order(unit: Unit) -> tuple[Any, ...]:
        if unit.branch is None:
            return (0, rank[unit.name_th], unit.code)
        return (1, rank[unit.branch.name_th], rank[unit.name_th], unit.code)

    groups: list[tuple[str, list[Unit]]] = []
    head_office = sorted((u for u in units if region_id(u) is None), key=order)
    if head_office:
        groups.append((_("Head office"), head_office))
    for region in Region.objects.order_by("number"):
        members = sorted((u for u in units if region_id(u) == region.pk), key=order)
        if members:
            groups.append((region.name, members))
    return groups


def unit_owners(unit: Unit) -> list[tuple[str, list[tuple[str, str]]]]:
    """The active staff who belong to the unit, as (group, [(username, label)]): for a unit
    of a branch, the branch's staff and then its region's officers; for a region's own unit,
    the region's; then head office's, who may own any. The same people action_create's rule
    accepts."""
    region_id = unit.branch.region_id if unit.branch else unit.region_id
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    groups: list[tuple[str, Q]] = []
    if unit.branch is not None:
        groups.append(
            (
                _("Staff of %(branch)s") % {"branch": unit.branch.name},
                Q(staff_profile__scope_level=ScopeLevel.BRANCH, staff_profile__branch=unit.branch),
            )
        )
    if region is not None:
        groups.append(
            (
                _("Staff of %(region)s") % {"region": region.name},
                Q(staff_profile__scope_level=ScopeLevel.REGION, staff_profile__region=region),
            )
        )
    # Head office's staff may own any unit's action (action_create's rule), listed last.
    groups.append((_("Head office"), Q(staff_profile__scope_level=ScopeLevel.ORG)))
    role_labels: dict[str, Any] = {str(role): label for role, label in ROLE_LABELS.items()}
    staff = get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()
    result = []
    for label, where in groups:
        people = list(staff.filter(where).prefetch_related("groups"))
        names = {p.pk: p.get_full_name() or p.get_username() for p in people}
        rank = thai_order(names.values())
        people.sort(key=lambda p: (rank[names[p.pk]], p.get_username()))
        options = []
        for p in people:
            name = names[p.pk]
            if name != p.get_username():
                name += f" ({p.get_username()})"
            roles = [str(role_labels.get(g.name, g.name)) for g in p.groups.all()]
            options.append((p.get_username(), " · ".join([name, *roles])))
        if options:
            result.append((label, options))
    return result


def action_overdue_q(*, today: date) -> Q:
    """An action past its due date and not finished (done or cancelled)."""
    return Q(due_date__lt=today) & ~Q(status__in=FINISHED)


def actions_with_overdue(
    actions: QuerySet[ImprovementAction], *, today: date
) -> QuerySet[ImprovementAction]:
    """The actions, each with `overdue` (see action_overdue_q)."""
    return actions.annotate(
        overdue=ExpressionWrapper(action_overdue_q(today=today), output_field=BooleanField())
    )


def actions_overdue(*, today: date | None = None) -> QuerySet[ImprovementAction]:
    """The actions overdue today: their owners are reminded every day."""
    return ImprovementAction.objects.filter(action_overdue_q(today=today or timezone.localdate()))


def actions_owned_open(*, user_id: int | None, today: date) -> QuerySet[ImprovementAction]:
    """The actions the user owns and has not finished, with their issue and `overdue`."""
    return actions_with_overdue(
        ImprovementAction.objects.filter(owner_id=user_id)
        .exclude(status__in=FINISHED)
        .select_related("issue"),
        today=today,
    )


def issues_listed(issues: QuerySet[OrgIssue], *, today: date) -> QuerySet[OrgIssue]:
    """The issues with their number of complaints and their actions (unit, owner, `overdue`)."""
    actions = actions_with_overdue(
        ImprovementAction.objects.select_related("unit", "owner"), today=today
    )
    return issues.annotate(complaint_count=Count("complaints", distinct=True)).prefetch_related(
        Prefetch("actions", queryset=actions)
    )


def issue_actions(issue: OrgIssue, *, today: date) -> QuerySet[ImprovementAction]:
    """The issue's actions with their unit, owner, progress and `overdue`."""
    return actions_with_overdue(
        issue.actions.select_related("unit", "owner").prefetch_related("updates__by"),
        today=today,
    )
