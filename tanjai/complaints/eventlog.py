"""The append-only event log: every change of a complaint leaves one event, and every event
is announced (``event_appended``) to whoever keeps something derived from it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.signals import event_appended

if TYPE_CHECKING:
    from tanjai.accounts.scope import Actor


def event_append(
    *,
    complaint: Complaint,
    actor: Actor | None,
    action: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    event = Event.objects.create(
        complaint=complaint,
        at=at or timezone.now(),
        actor_id=actor.user_id if actor else None,
        actor_label=actor.username if actor else "system",
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )
    event_appended.send(sender=Event, event=event, complaint=complaint)
    return event
