"""The SLA clock listens to the complaint: every action recomputes the deadlines (stored
as indexed columns for the watcher); waiting for the customer pauses the resolve clock,
resuming ends the pause, and a reopening starts a new cycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tanjai.complaints.signals import Change, action_applying
from tanjai.complaints.workflow import ActionCode
from tanjai.sla.services import sla_new_cycle, sla_pause_end, sla_pause_start, sla_recompute

_CLOCK: dict[str, Callable[..., None]] = {
    ActionCode.AWAIT_CUSTOMER: sla_pause_start,
    ActionCode.RESUME: sla_pause_end,
    ActionCode.REOPEN: sla_new_cycle,
}


def on_action(*, change: Change, **_kwargs: Any) -> None:
    if step := _CLOCK.get(change.action):
        step(change.complaint, at=change.now)
    sla_recompute(change.complaint, now=change.now)


def connect() -> None:
    action_applying.connect(on_action, dispatch_uid="sla.on_action")
