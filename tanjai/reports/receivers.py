"""The reports listen to the complaint: every event marks its branch-month to recompute
(and the branch a forward moved it from), and a branch moved to another region takes its
summary rows along."""

from __future__ import annotations

from typing import Any

from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.signals import Change, action_done, event_appended
from tanjai.organisation.models import Branch
from tanjai.organisation.signals import branch_moved
from tanjai.reports.services import MODELS, reports_mark


def on_event(*, complaint: Complaint, event: Event, **_kwargs: Any) -> None:
    reports_mark(complaint)


def on_action_done(*, change: Change, **_kwargs: Any) -> None:
    if change.moved_branch:
        reports_mark(change.complaint, also_branch_id=change.from_branch_id)


def on_branch_moved(*, branch: Branch, **_kwargs: Any) -> None:
    for model in MODELS.values():
        model.objects.filter(branch=branch).update(region=branch.region)


def connect() -> None:
    event_appended.connect(on_event, dispatch_uid="reports.on_event")
    action_done.connect(on_action_done, dispatch_uid="reports.on_action_done")
    branch_moved.connect(on_branch_moved, dispatch_uid="reports.on_branch_moved")
