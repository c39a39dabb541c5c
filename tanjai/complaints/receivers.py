"""What the complaint keeps in step with below it: a branch moved to another region takes
its complaints along."""

from __future__ import annotations

from typing import Any

from tanjai.complaints.models import Complaint
from tanjai.organisation.models import Branch
from tanjai.organisation.signals import branch_moved


def on_branch_moved(*, branch: Branch, **_kwargs: Any) -> None:
    # No event and no new version: no complaint changed. `region` beside `branch` is a copy
    # of the branch's region, kept for the scope filters and the region reports; the
    # complaint's branch, state and deadlines stay, and the move itself is the branch's
    # (the organisation's own record says when it changed).
    Complaint.objects.filter(branch=branch).exclude(region=branch.region).update(
        region=branch.region
    )


def connect() -> None:
    branch_moved.connect(on_branch_moved, dispatch_uid="complaints.on_branch_moved")
