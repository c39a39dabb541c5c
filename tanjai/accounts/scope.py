"""Who the acting user is, organisationally: roles plus scope, resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tanjai.accounts.models import ScopeLevel, StaffProfile
from tanjai.accounts.roles import Role


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

    def covers(self, *, region_id: int | None, branch_id: int | None) -> bool:
        """Whether a complaint in this branch/region lies inside the actor's scope."""
        if self.is_admin or self.scope_level == ScopeLevel.ORG:
            return True
        if self.scope_level == ScopeLevel.REGION:
            return region_id is not None and region_id == self.region_id
        return branch_id is not None and branch_id == self.branch_id


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
