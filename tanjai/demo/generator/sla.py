"""SLA replay: deadlines recomputed after each action and the SLA watcher's escalations
recorded when it would have recorded them, for a complaint played through in memory (Case)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tanjai.complaints.models import Complaint
from tanjai.complaints.workflow import ActionCode
from tanjai.demo.generator.constants import WATCH_EVERY_SECONDS, WATCH_LATENCY_SECONDS
from tanjai.sla import clock
from tanjai.sla.escalation import Targets, deadlines_apply, escalate, escalation_data

if TYPE_CHECKING:
    from tanjai.demo.generator.writers import Batch


class SlaReplay:
    """The SLA side of Case (which sets the attributes below and records the events)."""

    batch: Batch
    c: Complaint
    t: Targets
    cal: clock.WorkingCalendar
    pauses: list[clock.Pause]
    _resolve_due_key: tuple | None
    _resolve_due: datetime | None

    if TYPE_CHECKING:

        def event(
            self,
            at: datetime,
            actor: tuple[str, int | None],
            action: ActionCode,
            from_state: str = "",
            to_state: str = "",
            note: str = "",
            data: dict[str, Any] | None = None,
        ) -> dict[str, Any]: ...

    # SLA: the functions of tanjai.sla.escalation, with the resolve deadline cached.

    def resolve_due(self, started: datetime) -> datetime | None:
        key = (started, tuple(self.pauses))
        if key != self._resolve_due_key:
            self._resolve_due_key = key
            self._resolve_due = clock.due_at(
                started, self.t.resolve_amount, self.t.resolve_unit, self.cal, self.pauses
            )
        return self._resolve_due

    def recompute(self, now: datetime) -> None:
        """sla_recompute(), with `now` the moment of the action."""
        c = self.c
        inform_due = c.inform_due_at or clock.due_at(
            c.received_at, self.t.inform_amount, self.t.inform_unit, self.cal
        )
        started = c.resolve_clock_started_at or c.received_at
        c.resolve_clock_started_at = started
        deadlines_apply(
            c,
            inform_due=inform_due,
            resolve_due=self.resolve_due(started),
            targets=self.t,
            cal=self.cal,
            now=now,
        )

    def watch(self, until: datetime, *, inclusive: bool = False) -> None:
        """Every pass of the SLA watcher that would have found this complaint before `until`."""
        c = self.c
        while c.sla_next_check_at is not None:
            # The scheduler runs the watcher at the start of every interval (slot).
            due = int(c.sla_next_check_at.timestamp())
            slot = -(-due // WATCH_EVERY_SECONDS) * WATCH_EVERY_SECONDS
            at = datetime.fromtimestamp(slot + WATCH_LATENCY_SECONDS, UTC)
            if at > until or (at == until and not inclusive):
                return
            for target, level in escalate(c, targets=self.t, cal=self.cal, now=at):
                self.event(
                    at,
                    self.batch.world.system,
                    ActionCode.SLA_ESCALATED,
                    data=escalation_data(c, target, level),
                )
