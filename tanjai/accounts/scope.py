"""Who the acting user is, organisationally: roles plus scope, resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from tanjai.accounts.models import ScopeLevel, StaffProfile
from tanjai.accounts.roles import Role


@dataclass(frozen=True)
class Scope:
    """A part of the organisation: all of it (head office), one region or one branch.

    Staff see and act within their scope, and a report counts within one. The rule of what
    lies inside is written once, in `covers`, and `q` is the same rule as a query."""

    level: str  # a ScopeLevel
    region_id: int | None = None
    branch_id: int | None = None

    def covers(self, *, region_id: int | None, branch_id: int | None) -> bool:
        """Whether a place (a complaint's, a unit's, a narrower scope's) lies inside: every
        place for the whole organisation, else one of the region or of the branch."""
        if self.level == ScopeLevel.ORG:
            return True
        if self.level == ScopeLevel.REGION:
            return region_id is not None and region_id == self.region_id
        if self.level == ScopeLevel.BRANCH:
            return branch_id is not None and branch_id == self.branch_id
        return False

    def q(
        self, prefix: str = "", *, region_field: str = "region_id", branch_field: str = "branch_id"
    ) -> Q:
        """`covers` as a condition on rows whose place is in `prefix + region_field` and
        `prefix + branch_field` (a complaint's own columns unless told otherwise)."""
        if self.level == ScopeLevel.ORG:
            return Q()
        if self.level == ScopeLevel.REGION and self.region_id is not None:
            return Q(**{prefix + region_field: self.region_id})
        if self.level == ScopeLevel.BRANCH and self.branch_id is not None:
            return Q(**{prefix + branch_field: self.branch_id})
        return Q(pk__in=[])  # a scope without its region or branch covers nothing


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    roles: frozenset[str]
    scope_level: str
    region_id: int | None
    branch_id: int | None

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def has_any(self, roles: frozenset[str] | set[str]) -> bool:
        return self.is_admin or bool(self.roles & roles)

    @property
    def scope(self) -> Scope:
        """Where the actor sees and acts; an administrator, everywhere."""
        if self.is_admin:
            return Scope(ScopeLevel.ORG)
        return Scope(self.scope_level, region_id=self.region_id, branch_id=self.branch_id)

    def covers(self, *, region_id: int | None, branch_id: int | None) -> bool:
        """Whether a complaint in this branch/region lies inside the actor's scope."""
        return self.scope.covers(region_id=region_id, branch_id=branch_id)


SYSTEM = Actor(
    user_id=None,
    username="system",
    roles=frozenset({Role.ADMIN}),
    scope_level=ScopeLevel.ORG,
    region_id=None,
    branch_id=None,
)


def actor_for(user: Any) -> Actor:
    """The Actor for a Django user; cached on the user object for the request."""
    cached = getattr(user, "_tanjai_actor", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        raise PermissionError("not signed in")
    roles = frozenset(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        roles = roles | {Role.ADMIN}
    profile = StaffProfile.objects.filter(user=user).select_related("branch").first()
    level: str
    region_id: int | None
    branch_id: int | None
    if profile is None:
        level = ScopeLevel.ORG if Role.ADMIN in roles else ScopeLevel.BRANCH
        region_id = branch_id = None
    else:
        level = profile.scope_level
        branch_id = profile.branch_id
        region_id = profile.region_id or (profile.branch.region_id if profile.branch else None)
    actor = Actor(
        user_id=user.pk,
        username=user.get_username(),
        roles=roles,
        scope_level=level,
        region_id=region_id,
        branch_id=branch_id,
    )
    user._tanjai_actor = actor
    return actor
