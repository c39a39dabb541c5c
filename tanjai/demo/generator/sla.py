"""SLA replay: deadlines recomputed after each action and the SLA watcher's escalations
recorded when it would have recorded them, for a complaint played through in memory (Case)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tanjai.complaints.models import Complaint
from tanjai.complaints.workflow import OPEN_STATES
from tanjai.demo.generator.constants import WATCH_EVERY_SECONDS, WATCH_LATENCY_SECONDS
from tanjai.sla import clock
from tanjai.sla.services import BREACHED, LEVEL_NAMES, OVERDUE_AGAIN, WARN, Targets

if TYPE_CHECKING:
    from tanjai.demo.generator.writers import Batch


class SlaReplay:
    """The SLA side of Case (which sets the attributes below and records the events)."""

    batch: Batch
    c: Complaint
    t: Targets
    cal: clock.WorkingCalendar
    inform_warn: timedelta
    pauses: list[clock.Pause]
    _again: dict[tuple[str, datetime], datetime | None]
    _resolve_due_key: tuple | None
    _resolve_due: datetime | None

    if TYPE_CHECKING:

        def event(
            self,
            at: datetime,
            actor: tuple[str, int | None],
            action: str,
            from_state: str = "",
            to_state: str = "",
            note: str = "",
            data: dict[str, Any] | None = None,
        ) -> dict[str, Any]: ...

    # SLA: the logic of tanjai.sla.services, on this object and with cached targets.

    def _threshold(self, target: str, level: int, due: datetime | None) -> datetime | None:
        if due is None:
            return None
        if level == WARN:
            return due - (self.inform_warn if target == "inform" else self.t.warn_before)
        if level == BREACHED:
            return due
        if level == OVERDUE_AGAIN:
            key = (target, due)
            if key not in self._again:
                if target == "inform":
                    amount, unit = self.t.inform_amount, self.t.inform_unit
                else:
                    amount, unit = self.t.resolve_amount, self.t.resolve_unit
                self._again[key] = clock.due_at(due, amount, unit, self.cal)
            return self._again[key]
        return None

    def _level_reached(self, target: str, now: datetime, due: datetime | None) -> int:
        level = 0
        for candidate in (WARN, BREACHED, OVERDUE_AGAIN):
            at = self._threshold(target, candidate, due)
            if at is None or at > now:
                break  # thresholds only grow with the level
            level = candidate
        return level

    def _next_check(self) -> datetime | None:
        c = self.c
        if c.status not in OPEN_STATES:
            return None
        candidates = []
        if c.informed_at is None and c.inform_escalation_level < OVERDUE_AGAIN:
            at = self._threshold("inform", c.inform_escalation_level + 1, c.inform_due_at)
            if at:
                candidates.append(at)
        if c.resolve_escalation_level < OVERDUE_AGAIN:
            at = self._threshold("resolve", c.resolve_escalation_level + 1, c.resolve_due_at)
            if at:
                candidates.append(at)
        return min(candidates) if candidates else None

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
        if c.inform_due_at is None:
            c.inform_due_at = clock.due_at(
                c.received_at, self.t.inform_amount, self.t.inform_unit, self.cal
            )
        started = c.resolve_clock_started_at or c.received_at
        c.resolve_clock_started_at = started
        new_due = self.resolve_due(started)
        if new_due != c.resolve_due_at:
            c.resolve_escalation_level = self._level_reached("resolve", now, new_due)
        c.resolve_due_at = new_due
        c.sla_next_check_at = self._next_check()

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
            old_inform, old_resolve = c.inform_escalation_level, c.resolve_escalation_level
            if c.informed_at is None:
                c.inform_escalation_level = max(
                    old_inform, self._level_reached("inform", at, c.inform_due_at)
                )
            c.resolve_escalation_level = max(
                old_resolve, self._level_reached("resolve", at, c.resolve_due_at)
            )
            c.sla_next_check_at = self._next_check()
            for target, old, new in (
                ("inform", old_inform, c.inform_escalation_level),
                ("resolve", old_resolve, c.resolve_escalation_level),
            ):
                for level in range(old + 1, new + 1):
                    self.event(
                        at,
                        self.batch.world.system,
                        "sla_escalated",
                        data={"target": target, "level": level, "level_name": LEVEL_NAMES[level]},
                    )
