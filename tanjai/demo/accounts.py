"""Demo accounts: one for every role, in two branches of different regions."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from tanjai.accounts.services import user_create

DEMO_PASSWORD = "tanjai-demo"  # noqa: S105 - documented demo credential, demo data only

DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", "admin", "org"),
    ("callcentre", "channel_officer", "org"),
    ("analyst", "hq_analyst", "org"),
    ("committee", "committee", "org"),
    ("evaluator", "evaluator", "org"),
    ("dpo", "dpo", "org"),
    ("region1", "region_officer", "region:1"),
    ("region6", "region_officer", "region:6"),
]
for _branch in ("chonburi", "khon-kaen"):
    DEMO_ACCOUNTS += [
        (f"officer.{_branch}", "channel_officer", f"branch:{_branch}"),
        (f"centre.{_branch}", "centre_staff", f"branch:{_branch}"),
        (f"tech.{_branch}", "technician", f"branch:{_branch}"),
        (f"manager.{_branch}", "branch_manager", f"branch:{_branch}"),
    ]


def demo_accounts_create() -> list[str]:
    """Create the demo accounts that do not exist yet; never reset an existing password."""
    existing = set(get_user_model().objects.values_list("username", flat=True))
    made = []
    for username, role, scope in DEMO_ACCOUNTS:
        if username not in existing:
            user_create(username=username, role=role, scope=scope, password=DEMO_PASSWORD)
            made.append(username)
    return made
