"""Dispatch listens to the complaint: a dispatch opens a work order for the technicians
or team chosen, a reported fix completes the open ones, a rejected fix or a reopening
sends the last team again, and a complaint that ends without a fix cancels what is open.
It also tells the workflow whether a technician holds open work on a complaint (the
technician's actions are allowed only on their own work orders)."""

from __future__ import annotations

from typing import Any

from tanjai.complaints.signals import Change, action_applying, own_work_asked
from tanjai.complaints.workflow import ActionCode
from tanjai.dispatch.selectors import work_order_open_for
from tanjai.dispatch.services import (
    work_order_create,
    work_order_repeat,
    work_orders_cancel,
    work_orders_complete,
)

_ENDED_WITHOUT_FIX = {
    ActionCode.MARK_DUPLICATE,
    ActionCode.MARK_NOT_RELEVANT,
    ActionCode.TRANSFER_OUT,
}


def on_action(*, change: Change, **_kwargs: Any) -> None:
    complaint, actor, now = change.complaint, change.actor, change.now
    user_id = actor.user_id if actor else None
    if change.action == ActionCode.DISPATCH:
        order = work_order_create(
            complaint=complaint,
            usernames=change.inputs.assignees,
            team_type=change.inputs.team_type,
            note=change.inputs.note,
            created_by_id=user_id,
            now=now,
        )
        change.data["work_order"] = order.pk
    elif change.action == ActionCode.REPORT_FIXED:
        change.data["work_orders"] = work_orders_complete(
            complaint=complaint, result=change.inputs.result, now=now
        )
    elif change.action in {ActionCode.REJECT_FIX, ActionCode.REOPEN}:
        repeated = work_order_repeat(
            complaint=complaint, created_by_id=user_id, note=change.inputs.reason, now=now
        )
        if repeated:
            change.data["work_order"] = repeated.pk
    elif change.action in _ENDED_WITHOUT_FIX:
        work_orders_cancel(complaint=complaint, now=now)


def holds_open_work(*, complaint_id: int, user_id: int, **_kwargs: Any) -> bool:
    return work_order_open_for(complaint_id=complaint_id, user_id=user_id) is not None


def connect() -> None:
    action_applying.connect(on_action, dispatch_uid="dispatch.on_action")
    own_work_asked.connect(holds_open_work, dispatch_uid="dispatch.holds_open_work")
