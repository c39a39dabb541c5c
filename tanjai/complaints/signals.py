"""What happens to a complaint, told to whoever listens.

The complaint core publishes and knows nothing of its listeners: the SLA clock, dispatch,
notifications, the reports' dirty marks, and what comes next (triage, incidents, webhooks)
each connect their receivers in their own ``AppConfig.ready()``. Receivers run inside the
transaction of the change, in the order the apps are installed, so a receiver that fails
undoes the whole change; one that reaches the outside world queues its work on commit (the
notifications do).

Three moments:

``action_applying``
    ``complaint_act`` has checked the action and run the complaint's own handler, the new
    state is set and the complaint is not yet saved. A receiver keeps its own columns of
    the complaint (the SLA's deadlines) or its own rows (work orders), and may add to the
    event's data (``change.data``). Sent with ``change`` (a :class:`Change`).

``event_appended``
    Any event was written to the log, whoever wrote it. Sent with ``event`` and
    ``complaint``.

``action_done``
    An action (or the registration) is done: the complaint saved and its event written.
    Sent with ``change`` and ``event``.

The same module answers one question the door asks of its listeners, ``own_work_asked``:
whether a user holds open work on a complaint (a technician's own work order), so that the
workflow's "own work order" rule holds without the core knowing where work orders live.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

if TYPE_CHECKING:
    from tanjai.accounts.scope import Actor
    from tanjai.complaints.models import Complaint

action_applying = Signal()
event_appended = Signal()
action_done = Signal()
own_work_asked = Signal()


@dataclass
class Change:
    """One action as it is taken: what the receivers of the three moments are given."""

    complaint: Complaint
    actor: Actor | None
    action: str
    now: datetime
    inputs: Any = None
    from_state: str = ""
    from_branch_id: int | None = None
    # What the event will record; action_applying's receivers may add to it.
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def moved_branch(self) -> bool:
        return self.from_branch_id is not None and self.from_branch_id != self.complaint.branch_id


def holds_own_work(*, complaint_id: int, user_id: int | None) -> bool:
    """Whether a listener (dispatch) knows of open work of this user on this complaint."""
    if user_id is None:
        return False
    answers = own_work_asked.send(sender=None, complaint_id=complaint_id, user_id=user_id)
    return any(answer for _receiver, answer in answers)
