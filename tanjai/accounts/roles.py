"""Roles (Django groups with these names) and who may see what.

Who may take which workflow action lives in tanjai.complaints.workflow; this module says
which roles exist and who may see a complainant's identity (PDPA: only those who need it).
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    CHANNEL_OFFICER = "channel_officer"
    CENTRE_STAFF = "centre_staff"
    TECHNICIAN = "technician"
    BRANCH_MANAGER = "branch_manager"
    REGION_OFFICER = "region_officer"
    HQ_ANALYST = "hq_analyst"
    COMMITTEE = "committee"
    EVALUATOR = "evaluator"
    # The data protection officer: handles people's requests about their personal data
    # (PDPA: copy, rectification, erasure, objection), organisation-wide; see tanjai.privacy.
    DPO = "dpo"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CHANNEL_OFFICER: _("Channel officer"),
    Role.CENTRE_STAFF: _("Prapa Tanjai centre staff"),
    Role.TECHNICIAN: _("Technician (Mr. Prapa)"),
    Role.BRANCH_MANAGER: _("Branch manager"),
    Role.REGION_OFFICER: _("Region officer"),
    Role.HQ_ANALYST: _("Head-office analyst"),
    Role.COMMITTEE: _("Complaints committee member"),
    Role.EVALUATOR: _("Process evaluator"),
    Role.DPO: _("Data protection officer"),
    Role.ADMIN: _("Administrator"),
}

# Roles that handle the case and so need to reach the complainant.
IDENTITY_ROLES = frozenset(
    {
        Role.CHANNEL_OFFICER,
        Role.CENTRE_STAFF,
        Role.TECHNICIAN,
        Role.BRANCH_MANAGER,
        Role.REGION_OFFICER,
        Role.ADMIN,
    }
)
# For categories flagged restricted_identity (staff-conduct and misconduct complaints) the
# complainant's identity is visible to these roles only, plus the officer who registered it.
RESTRICTED_IDENTITY_ROLES = frozenset({Role.BRANCH_MANAGER, Role.ADMIN})
