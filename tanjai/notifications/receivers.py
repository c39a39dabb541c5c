"""Notifications listen to the complaint: when an action is done (or a complaint registered,
or the survey answered) the staff who act next and the customer hear of it, queued on
commit; a low satisfaction score alerts the branch."""

from __future__ import annotations

from typing import Any

from tanjai.accounts.roles import Role
from tanjai.complaints.models import LOW_SATISFACTION, Event
from tanjai.complaints.signals import Change, action_done
from tanjai.complaints.workflow import ActionCode
from tanjai.core.text import mask_personal_text
from tanjai.notifications.services import _staff, event_notify, notify_users


def on_action_done(*, change: Change, event: Event, **_kwargs: Any) -> None:
    if change.action == ActionCode.SURVEY_ANSWERED:
        low_satisfaction_alert(change=change, event=event)
        return
    event_notify(complaint=change.complaint, event=event)


def low_satisfaction_alert(*, change: Change, event: Event) -> None:
    score = change.data["score"]
    if score > LOW_SATISFACTION:
        return
    complaint = change.complaint
    notify_users(
        users=_staff(
            roles=[Role.BRANCH_MANAGER, Role.CENTRE_STAFF],
            branch_id=complaint.branch_id,
        ),
        complaint=complaint,
        event=event,
        subject=f"[{complaint.tracking_no}] ความพึงพอใจต่ำ {score}/5 / low satisfaction",
        body=f"{complaint.tracking_no}: {mask_personal_text(event.note[:300])}",
    )


def connect() -> None:
    action_done.connect(on_action_done, dispatch_uid="notifications.on_action_done")
