"""When a complaint's SLA targets escalate: pure functions of the complaint's SLA columns,
its targets and the calendar, shared by the watcher and the demo-data generator.

Levels, for each target (inform the customer, resolve): 1 due soon (a warning time before
the deadline), 2 breached (at the deadline), 3 overdue again (a whole further target past
the deadline). Levels only rise, each is recorded once, and `sla_next_check_at` holds the
moment the next one falls due, so the watcher finds its work with one indexed query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Protocol

from tanjai.sla import clock

WARN, BREACHED, OVERDUE_AGAIN = 1, 2, 3
LEVEL_NAMES = {WARN: "due_soon", BREACHED: "breached", OVERDUE_AGAIN: "overdue_again"}
TARGETS = ("inform", "resolve")


@dataclass(frozen=True)
class Targets:
    inform_amount: int
    inform_unit: str
    resolve_amount: int
    resolve_unit: str
    warn_before: timedelta

    @property
    def inform_warning(self) -> timedelta:
        # The inform target is short (24 h): never warn earlier than 4 hours before it.
        return min(self.warn_before, timedelta(hours=4))

    def of(self, target: str) -> tuple[int, str, timedelta]:
        if target == "inform":
            return self.inform_amount, self.inform_unit, self.inform_warning
        return self.resolve_amount, self.resolve_unit, self.warn_before


class SlaColumns(Protocol):
    """The columns of a complaint these functions read and write."""

    informed_at: datetime | None
    inform_due_at: datetime | None
    resolve_due_at: datetime | None
    inform_escalation_level: int
    resolve_escalation_level: int
    sla_next_check_at: datetime | None

    @property
    def is_open(self) -> bool: ...


@lru_cache(maxsize=65536)
def _overdue_again_at(
    due: datetime, amount: int, unit: str, cal: clock.WorkingCalendar
) -> datetime | None:
    return clock.due_at(due, amount, unit, cal)


def threshold(
    target: str, level: int, due: datetime | None, targets: Targets, cal: clock.WorkingCalendar
) -> datetime | None:
    """When `target` reaches `level` for a deadline `due`."""
    if due is None:
        return None
    amount, unit, warning = targets.of(target)
    if level == WARN:
        return due - warning
    if level == BREACHED:
        return due
    if level == OVERDUE_AGAIN:
        return _overdue_again_at(due, amount, unit, cal)
    return None


def level_reached(
    target: str, now: datetime, due: datetime | None, targets: Targets, cal: clock.WorkingCalendar
) -> int:
    level = 0
    for candidate in (WARN, BREACHED, OVERDUE_AGAIN):
        at = threshold(target, candidate, due, targets, cal)
        if at is None or at > now:
            break  # thresholds only grow with the level
        level = candidate
    return level


def _applies(c: SlaColumns, target: str) -> bool:
    return target == "resolve" or c.informed_at is None


def _level(c: SlaColumns, target: str) -> int:
    return c.inform_escalation_level if target == "inform" else c.resolve_escalation_level


def _due(c: SlaColumns, target: str) -> datetime | None:
    return c.inform_due_at if target == "inform" else c.resolve_due_at


def next_check(c: SlaColumns, targets: Targets, cal: clock.WorkingCalendar) -> datetime | None:
    """The next moment one of the complaint's targets reaches a new level, if ever."""
    if not c.is_open:
        return None
    candidates = [
        at
        for target in TARGETS
        if _applies(c, target) and _level(c, target) < OVERDUE_AGAIN
        if (at := threshold(target, _level(c, target) + 1, _due(c, target), targets, cal))
    ]
    return min(candidates) if candidates else None


def deadlines_apply(
    c: SlaColumns,
    *,
    inform_due: datetime | None,
    resolve_due: datetime | None,
    targets: Targets,
    cal: clock.WorkingCalendar,
    now: datetime,
) -> None:
    """Store new deadlines and the next check.

    A moved deadline (a new category, an edited policy or calendar, a resumed clock) may
    lie further out than the levels already escalated: step back so that the watcher
    announces the new deadline's levels, but never forward, which would skip their events
    and notices. While the clock is paused there is no deadline and the level stays.
    """
    if inform_due is not None and inform_due != c.inform_due_at:
        c.inform_escalation_level = min(
            c.inform_escalation_level, level_reached("inform", now, inform_due, targets, cal)
        )
    if resolve_due is not None and resolve_due != c.resolve_due_at:
        c.resolve_escalation_level = min(
            c.resolve_escalation_level, level_reached("resolve", now, resolve_due, targets, cal)
        )
    c.inform_due_at = inform_due
    c.resolve_due_at = resolve_due
    c.sla_next_check_at = next_check(c, targets, cal)


def escalate(
    c: SlaColumns, *, targets: Targets, cal: clock.WorkingCalendar, now: datetime
) -> list[tuple[str, int]]:
    """Raise the levels to what `now` has reached and set the next check; returns the new
    (target, level) escalations in order, each to be recorded once."""
    new: list[tuple[str, int]] = []
    for target in TARGETS:
        old = _level(c, target)
        if not _applies(c, target):
            continue
        reached = max(old, level_reached(target, now, _due(c, target), targets, cal))
        if target == "inform":
            c.inform_escalation_level = reached
        else:
            c.resolve_escalation_level = reached
        new.extend((target, level) for level in range(old + 1, reached + 1))
    c.sla_next_check_at = next_check(c, targets, cal)
    return new


def escalation_data(c: SlaColumns, target: str, level: int) -> dict[str, object]:
    """What an sla_escalated event records: the target, the level and the deadline it is
    about, so that one deadline's level is announced once however often it moves."""
    due = _due(c, target)
    return {
        "target": target,
        "level": level,
        "level_name": LEVEL_NAMES[level],
        "due_at": due.isoformat() if due else None,
    }
