"""One complaint, played through the process: the workflow's actions applied in memory with
the effects of their handlers (milestones, work orders, pauses, new cycles)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tanjai.complaints.models import Complaint, Priority
from tanjai.complaints.workflow import ACTIONS, ActionCode, State
from tanjai.demo import corpus
from tanjai.demo.generator.constants import (
    AWAIT_REASONS,
    BANGKOK,
    CONTACT_BY_CHANNEL,
    DISPATCH_NOTES,
    FORWARD_NOTES,
    HOUR,
    LATE_REASONS,
    REJECT_REASONS,
    REOPEN_REASONS,
    RESUME_NOTES,
    VERIFY_NOTES,
)
from tanjai.demo.generator.sla import SlaReplay
from tanjai.demo.generator.world import _BranchInfo
from tanjai.demo.generator.writers import Batch
from tanjai.dispatch.models import TeamType, WorkOrder, WorkOrderStatus
from tanjai.sla import clock
from tanjai.sla.escalation import Targets

# --- one complaint, played through the process -------------------------------------------


class Case(SlaReplay):
    """A complaint being played through the workflow in memory.

    The methods named after actions do what complaint_act + the handler would do; watch()
    does what sla_watch would do at a given moment.
    """

    def __init__(self, batch: Batch, c: Complaint, targets: Targets, bi: _BranchInfo) -> None:
        self.batch, self.c, self.t, self.bi = batch, c, targets, bi
        self.rng = batch.rng
        self.cal = batch.world.calendar
        self.wos: list[WorkOrder] = []
        self.pauses: list[clock.Pause] = []
        self._resolve_due_key: tuple | None = None
        self._resolve_due: datetime | None = None

    # The event log and the work orders.

    def event(
        self,
        at: datetime,
        actor: tuple[str, int | None],
        action: ActionCode,
        from_state: str = "",
        to_state: str = "",
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        data = data if data is not None else {}
        self.batch.events.append(
            (self.c, at, actor[1], actor[0], action, from_state, to_state, note, data)
        )
        return data

    def _begin(self, at: datetime, action: ActionCode) -> str:
        self.watch(at)
        state = self.c.status
        if state not in ACTIONS[action].from_states:
            raise AssertionError(f"demo plan error: {action} from {state}")
        return state

    def _commit(
        self,
        at: datetime,
        action: ActionCode,
        actor: tuple[str, int | None],
        from_state: str,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        c = self.c
        to_state = ACTIONS[action].to_state
        if to_state is not None:
            c.status = to_state
        c.version += 1
        self.recompute(at)
        return self.event(at, actor, action, from_state, c.status, note, data)

    def _work_order(
        self, at: datetime, team_type: str, assignees: list[tuple[int, str]], note: str
    ) -> WorkOrder:
        wo = WorkOrder(
            complaint=self.c,
            team_type=team_type,
            status=WorkOrderStatus.OPEN,
            note=note,
            created_by_id=self.bi.centre_actor[1],
            created_at=at,
        )
        wo.demo_assignees = assignees  # type: ignore[attr-defined]
        self.wos.append(wo)
        self.batch.work_orders.append(wo)
        return wo

    def _redispatch(self, at: datetime, reason: str) -> dict[str, Any]:
        live = [w for w in self.wos if w.status != WorkOrderStatus.CANCELLED]
        if not live:
            return {}
        last = live[-1]
        if last.status == WorkOrderStatus.OPEN:
            return {"work_order": last}
        if last.status == WorkOrderStatus.COMPLETED:
            last.status = WorkOrderStatus.REJECTED
        return {
            "work_order": self._work_order(at, last.team_type, last.demo_assignees, reason)  # type: ignore[attr-defined]
        }

    def _refs(self, data: dict[str, Any]) -> dict[str, Any]:
        """Work-order references are resolved to primary keys once the orders are saved."""
        if data.get("work_order") is not None or data.get("work_orders"):
            self.batch.refs.append(data)
        return data

    # The actions.

    def register(self, actor: tuple[str, int | None]) -> None:
        c = self.c
        c.status = State.RECEIVED
        self.recompute(c.received_at)
        self.event(
            c.received_at,
            actor,
            ActionCode.REGISTER,
            to_state=State.RECEIVED,
            data={
                "channel": self.batch.codes[c.channel_id],
                "category": self.batch.codes[("c", c.category_id)],
                "branch": self.bi.branch.code,
            },
        )

    def forward(self, at: datetime, actor: tuple[str, int | None]) -> None:
        state = self._begin(at, ActionCode.FORWARD)
        self.c.unit_id = self.bi.centre.pk
        self.c.forwarded_at = at
        self._commit(
            at,
            ActionCode.FORWARD,
            actor,
            state,
            self.rng.choice(FORWARD_NOTES),
            {"unit": self.bi.centre.code},
        )

    def dispatch(self, at: datetime) -> None:
        state = self._begin(at, ActionCode.DISPATCH)
        techs = self.bi.technicians
        if not techs:
            raise AssertionError(f"branch {self.bi.branch.code} has no technicians")
        big = self.c.priority >= Priority.HIGH or self.rng.random() < 0.25
        assignees = self.rng.sample(techs, min(len(techs), 2 if big else 1))
        team_type = TeamType.SERVICE_TEAM if big else TeamType.MR_PRAPA
        note = self.rng.choice(DISPATCH_NOTES)
        wo = self._work_order(at, team_type, assignees, note)
        self.c.dispatched_at = at
        data = {"work_order": wo, "team_type": team_type, "assignees": [a[1] for a in assignees]}
        self._commit(at, ActionCode.DISPATCH, self.bi.centre_actor, state, note, self._refs(data))

    def inform_customer(self, at: datetime, promised: datetime) -> None:
        state = self._begin(at, ActionCode.INFORM_CUSTOMER)
        c = self.c
        promised = max(promised, c.received_at + HOUR)
        late = c.resolve_due_at is not None and promised > c.resolve_due_at
        late_reason = self.rng.choice(LATE_REASONS) if late else ""
        c.informed_at = c.informed_at or at
        c.promised_at = promised
        plans = corpus.PLANS.get(self.batch.codes[("c", c.category_id)]) or ["จะดำเนินการแก้ไขโดยเร็ว"]
        plan = self.rng.choice(plans)
        channel = self.batch.codes[c.channel_id]
        method = CONTACT_BY_CHANNEL.get(channel) or ("sms" if self.rng.random() < 0.15 else "phone")
        data = {
            "plan": plan,
            "promised_at": promised.astimezone(BANGKOK).isoformat(),
            "contact_method": method,
            "late_reason": late_reason,
            "promised_after_deadline": late,
        }
        self._commit(at, ActionCode.INFORM_CUSTOMER, self.bi.centre_actor, state, plan, data)

    def await_customer(self, at: datetime) -> None:
        state = self._begin(at, ActionCode.AWAIT_CUSTOMER)
        self.c.sla_pauses = [*self.c.sla_pauses, [at.isoformat(), None]]
        self.pauses = [*self.pauses, clock.Pause(start=at, end=None)]
        self._commit(
            at,
            ActionCode.AWAIT_CUSTOMER,
            self.bi.centre_actor,
            state,
            self.rng.choice(AWAIT_REASONS),
        )

    def resume(self, at: datetime) -> None:
        state = self._begin(at, ActionCode.RESUME)
        pauses = [list(p) for p in self.c.sla_pauses]
        pauses[-1][1] = at.isoformat()
        self.c.sla_pauses = pauses
        self.pauses = [*self.pauses[:-1], clock.Pause(start=self.pauses[-1].start, end=at)]
        self._commit(
            at, ActionCode.RESUME, self.bi.centre_actor, state, self.rng.choice(RESUME_NOTES)
        )

    def report_fixed(self, at: datetime) -> None:
        state = self._begin(at, ActionCode.REPORT_FIXED)
        results = corpus.RESULTS.get(self.batch.codes[("c", self.c.category_id)]) or ["แก้ไขแล้ว"]
        result = self.rng.choice(results)
        completed = []
        for wo in self.wos:
            if wo.status == WorkOrderStatus.OPEN:
                wo.status, wo.result, wo.completed_at = WorkOrderStatus.COMPLETED, result, at
                completed.append(wo)
        self.c.fixed_at = at
        # The technician reports from the site, or the centre on their behalf.
        actor = self.bi.centre_actor
        if completed and self.rng.random() < 0.7:
            user_id, username = completed[-1].demo_assignees[0]  # type: ignore[attr-defined]
            actor = (username, user_id)
        self._commit(
            at,
            ActionCode.REPORT_FIXED,
            actor,
            state,
            result,
            self._refs({"work_orders": completed}),
        )

    def verify(self, at: datetime) -> None:
        state = self._begin(at, ActionCode.VERIFY)
        self.c.verified_at = at
        self._commit(
            at, ActionCode.VERIFY, self.bi.centre_actor, state, self.rng.choice(VERIFY_NOTES)
        )

    def reject_fix(self, at: datetime) -> None:
        state = self._begin(at, ActionCode.REJECT_FIX)
        reason = self.rng.choice(REJECT_REASONS)
        self.c.fixed_at = self.c.verified_at = None
        data = self._refs(self._redispatch(at, reason))
        self._commit(at, ActionCode.REJECT_FIX, self.bi.centre_actor, state, reason, data)

    def close(self, at: datetime) -> None:
        state = self._begin(at, ActionCode.CLOSE)
        c = self.c
        reached = not c.anonymous and self.rng.random() < 0.91
        score = self.batch.world.satisfaction() if reached and self.rng.random() < 0.95 else None
        comment = (
            self.rng.choice(corpus.COMMENTS)
            if score is not None and self.rng.random() < 0.5
            else ""
        )
        c.closed_at = c.ended_at = at
        if reached:
            c.informed_at = c.informed_at or at  # as the close handler does
        c.customer_reached, c.satisfaction = reached, score
        data = {"customer_reached": reached, "satisfaction": score}
        self._commit(at, ActionCode.CLOSE, self.bi.centre_actor, state, comment, data)

    def reopen(self, at: datetime) -> None:
        state = self._begin(at, ActionCode.REOPEN)
        c = self.c
        reason = self.rng.choice(REOPEN_REASONS)
        c.reopen_count += 1
        c.fixed_at = c.verified_at = c.closed_at = c.ended_at = None
        c.satisfaction = c.customer_reached = None
        # sla_new_cycle
        c.resolve_clock_started_at = at
        c.sla_pauses, self.pauses = [], []
        c.resolve_escalation_level = 0
        c.resolve_due_at = None
        data = self._redispatch(at, reason)
        data["reopen_count"] = c.reopen_count
        self._commit(at, ActionCode.REOPEN, self.bi.centre_actor, state, reason, self._refs(data))

    def _end(self, at: datetime) -> None:
        self.c.ended_at = at
        for wo in self.wos:
            if wo.status == WorkOrderStatus.OPEN:
                wo.status, wo.completed_at = WorkOrderStatus.CANCELLED, at

    def mark_duplicate(self, at: datetime, actor: tuple[str, int | None]) -> None:
        state = self._begin(at, ActionCode.MARK_DUPLICATE)
        self._end(at)
        master = self.c.duplicate_of
        assert master is not None
        self._commit(at, ActionCode.MARK_DUPLICATE, actor, state, "", {"of": master.tracking_no})

    def mark_not_relevant(self, at: datetime, actor: tuple[str, int | None]) -> None:
        state = self._begin(at, ActionCode.MARK_NOT_RELEVANT)
        self._end(at)
        reason = self.rng.choice(corpus.NOT_RELEVANT_REASONS)
        self._commit(at, ActionCode.MARK_NOT_RELEVANT, actor, state, reason)

    def transfer_out(self, at: datetime, actor: tuple[str, int | None]) -> None:
        state = self._begin(at, ActionCode.TRANSFER_OUT)
        self._end(at)
        agency = self.rng.choice(corpus.TRANSFER_AGENCIES)
        reason = f"อยู่ในความรับผิดชอบของ{agency}"
        self._commit(at, ActionCode.TRANSFER_OUT, actor, state, reason, {"agency": agency})
