"""What the page layout needs to know about the signed-in user: which links to show."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import actor_for
from tanjai.complaints.workflow import REGISTER_ROLES
from tanjai.reports.scope import REPORT_ROLES


def staff_links(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    actor = actor_for(user)  # cached on the user for the request
    return {
        "can_report": actor.has_any(REPORT_ROLES),
        "can_register": actor.has_any(REGISTER_ROLES),
        "can_privacy": Role.DPO in actor.roles,  # the data protection officer's requests
    }
