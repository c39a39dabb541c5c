"""SLA clock: when is a complaint due, and how much of its time has been used.

Everything here is a pure function of (start, target, calendar, pauses) so that the
deadline can be recomputed at any moment (after a pause, a holiday being declared, a
target change) and tested without a database. Nothing in this module imports Django.

Times are handled in UTC internally; the calendar's time zone is only used to decide
where a working day begins and ends.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import math
import numbers
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import holidays as pyholidays

UTC = datetime.UTC
BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")

#: Longest stretch the working-time walk will scan before giving up. A real SLA never
#: needs this; it exists so that a misconfigured calendar (every day a holiday) or an
#: absurd target raises instead of looping for ever.
MAX_SCAN_DAYS = 20 * 366

__all__ = [
    "BANGKOK",
    "MAX_SCAN_DAYS",
    "ClockUnit",
    "Pause",
    "WorkingCalendar",
    "default_calendar",
    "due_at",
    "elapsed",
    "target_duration",
    "thai_holidays",
]

# A span of counted (or paused) time; ``None`` as the end means "open-ended".
_Span = tuple[datetime.datetime, datetime.datetime | None]


class ClockUnit(enum.StrEnum):
    """How an SLA target is measured; stored as a string on SLA policies."""

    CALENDAR_HOURS = "calendar_hours"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


def _require_aware(value: datetime.datetime, name: str) -> datetime.datetime:
    """Naive datetimes are ambiguous about the zone, so an SLA computed from one is a bug."""
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours of the organisation: which days count and which part of them."""

    tz: zoneinfo.ZoneInfo
    day_start: datetime.time
    day_end: datetime.time
    workdays: frozenset[int]
    holidays: frozenset[datetime.date]
    extra_workdays: frozenset[datetime.date] = frozenset()

    def __post_init__(self) -> None:
        # Callers often pass plain sets or lists; freeze them so the calendar stays hashable.
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        if self.day_start.tzinfo is not None or self.day_end.tzinfo is not None:
            raise ValueError("day_start/day_end are wall-clock times in tz; give them no tzinfo")
        if self.day_start >= self.day_end:
            raise ValueError("day_start must be before day_end (overnight shifts unsupported)")
        if not self.workdays:
            raise ValueError("a working calendar needs at least one weekday in workdays")
        if not self.workdays <= frozenset(range(7)):
            raise ValueError("workdays are weekday numbers 0 (Monday) .. 6 (Sunday)")

    def is_working_day(self, d: datetime.date) -> bool:
        """A declared working day beats a holiday, which beats the weekly pattern."""
        if d in self.extra_workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() in self.workdays

    @property
    def _day_length(self) -> datetime.timedelta:
        """Exact length of a working day; working-day targets are multiples of it."""
        start = datetime.datetime.combine(datetime.date.min, self.day_start)
        end = datetime.datetime.combine(datetime.date.min, self.day_end)
        return end - start

    @property
    def working_minutes_per_day(self) -> int:
        """Whole minutes in one working day: the size of one 'working day' of SLA target."""
        return int(self._day_length // datetime.timedelta(minutes=1))

    def _day_bounds(self, d: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        """Office hours of local date ``d`` as UTC instants (correct even across DST)."""
        start = datetime.datetime.combine(d, self.day_start, tzinfo=self.tz)
        end = datetime.datetime.combine(d, self.day_end, tzinfo=self.tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def working_intervals(
        self,
        from_: datetime.datetime,
        until: datetime.datetime | None = None,
    ) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
        """Working time from ``from_`` onwards as UTC intervals, one per working day.

        Iterating by day (not by minute) keeps long targets cheap. Without ``until`` the
        iterator is endless, so it raises ValueError after ``MAX_SCAN_DAYS`` consecutive
        days without working time rather than spinning on a calendar with none.
        """
        lo = _require_aware(from_, "from_")
        hi = None if until is None else _require_aware(until, "until")
        if hi is not None and hi <= lo:
            return
        day = lo.astimezone(self.tz).date()
        idle_days = 0
        while True:
            day_start, day_end = self._day_bounds(day)
            if hi is not None and day_start >= hi:
                return
            if self.is_working_day(day):
                a = max(day_start, lo)
                b = day_end if hi is None else min(day_end, hi)
                if a < b:
                    idle_days = 0
                    yield a, b
                    day += datetime.timedelta(days=1)
                    continue
            idle_days += 1
            if hi is None and idle_days > MAX_SCAN_DAYS:
                raise ValueError(
                    f"no working time within {MAX_SCAN_DAYS} days after {lo.isoformat()}; "
                    "check the calendar's workdays and holidays"
                )
            day += datetime.timedelta(days=1)


@dataclass(frozen=True)
class Pause:
    """A stretch during which the SLA clock is stopped (e.g. waiting for the customer)."""

    start: datetime.datetime
    end: datetime.datetime | None  # None: still paused, so there is no deadline yet

    def __post_init__(self) -> None:
        # Validate at construction so bad rows fail where they are read, not deep in due_at.
        start = _require_aware(self.start, "Pause.start")
        if self.end is not None and _require_aware(self.end, "Pause.end") < start:
            raise ValueError(f"pause ends before it starts: {self.start} .. {self.end}")


def _coerce_unit(unit: ClockUnit | str) -> ClockUnit:
    """Policies store the unit as text; reject typos loudly instead of guessing."""
    try:
        return ClockUnit(unit)
    except ValueError:
        choices = ", ".join(u.value for u in ClockUnit)
        raise ValueError(f"unknown SLA clock unit {unit!r}; expected one of {choices}") from None


def target_duration(
    amount: int | float | decimal.Decimal, unit: ClockUnit | str, calendar: WorkingCalendar
) -> datetime.timedelta:
    """The target as counted time, so that all units can be compared with ``elapsed``."""
    clock_unit = _coerce_unit(unit)
    if isinstance(amount, bool) or not isinstance(amount, numbers.Real | decimal.Decimal):
        raise TypeError(f"SLA amount must be a number, got {type(amount).__name__}")
    if not isinstance(amount, int):
        amount = float(amount)  # Decimal from a model field; timedelta only takes int/float
    if not math.isfinite(amount) or amount < 0:
        raise ValueError(f"SLA amount must be a finite non-negative number, got {amount!r}")
    if clock_unit is ClockUnit.WORKING_DAYS:
        return calendar._day_length * amount
    return datetime.timedelta(hours=amount)


def _merge_pauses(pauses: Sequence[Pause], after: datetime.datetime) -> list[_Span]:
    """Sorted, disjoint UTC pause spans ending after ``after``.

    Pauses come from user actions and may overlap or arrive in any order; merging them
    first means no second of paused time is subtracted twice.
    """
    spans: list[_Span] = []
    for pause in pauses:
        start = _require_aware(pause.start, "Pause.start")
        end = None if pause.end is None else _require_aware(pause.end, "Pause.end")
        if end is not None and (end <= after or end <= start):
            continue
        spans.append((start, end))
    spans.sort(key=lambda span: span[0])
    merged: list[_Span] = []
    for start, end in spans:
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break  # an open pause swallows everything after it
            if start <= last_end:
                new_end = None if end is None else max(last_end, end)
                merged[-1] = (last_start, new_end)
                continue
        merged.append((start, end))
    return merged


def _subtract(base: Iterable[_Span], pauses: list[_Span]) -> Iterator[_Span]:
    """Counted spans: ``base`` (ordered, disjoint) with the merged pauses cut out.

    Stops for good at the start of an open pause, which is how callers learn the
    clock is stopped.
    """
    i, n = 0, len(pauses)
    for a, b in base:
        cur = a
        while b is None or cur < b:
            while i < n and (end := pauses[i][1]) is not None and end <= cur:
                i += 1
            if i == n or (b is not None and pauses[i][0] >= b):
                yield cur, b
                break
            pause_start, pause_end = pauses[i]
            if pause_start > cur:
                yield cur, pause_start
            if pause_end is None:
                return
            cur = pause_end


def _base_spans(
    start: datetime.datetime,
    end: datetime.datetime | None,
    unit: ClockUnit,
    calendar: WorkingCalendar,
) -> Iterable[_Span]:
    """Time that would count if nothing were paused."""
    if unit is ClockUnit.CALENDAR_HOURS:
        return [(start, end)]
    return calendar.working_intervals(start, end)


def due_at(
    start: datetime.datetime,
    amount: int | float | decimal.Decimal,
    unit: ClockUnit | str,
    calendar: WorkingCalendar,
    pauses: Sequence[Pause] = (),
) -> datetime.datetime | None:
    """The earliest instant at which ``amount`` units of counted time have passed.

    Taking the earliest instant is why a deadline that fills a working day exactly is
    16:30 that day and not 08:30 the next, and why a zero target is due at ``start``.
    Returns None while an open pause begins before the deadline: the clock is stopped,
    so there is no deadline to show or escalate on. Result is in UTC.
    """
    start_utc = _require_aware(start, "start")
    clock_unit = _coerce_unit(unit)
    remaining = target_duration(amount, clock_unit, calendar)
    if not remaining:
        return start_utc
    spans = _merge_pauses(pauses, start_utc)
    if clock_unit is ClockUnit.CALENDAR_HOURS and not spans:
        return start_utc + remaining
    limit = start_utc + datetime.timedelta(days=MAX_SCAN_DAYS)
    for a, b in _subtract(_base_spans(start_utc, None, clock_unit, calendar), spans):
        if b is None or b - a >= remaining:
            return a + remaining
        remaining -= b - a
        if b > limit:
            raise ValueError(
                f"SLA deadline is more than {MAX_SCAN_DAYS} days after {start_utc.isoformat()}"
            )
    return None


def elapsed(
    start: datetime.datetime,
    end: datetime.datetime,
    unit: ClockUnit | str,
    calendar: WorkingCalendar,
    pauses: Sequence[Pause] = (),
) -> datetime.timedelta:
    """Counted time used between ``start`` and ``end``; zero if ``end`` is not after ``start``.

    This is the inverse of ``due_at``, so progress bars and "% of SLA used" agree with
    the deadline. Working-day units are reported as working time, comparable with
    ``target_duration``.
    """
    start_utc = _require_aware(start, "start")
    end_utc = _require_aware(end, "end")
    clock_unit = _coerce_unit(unit)
    if end_utc <= start_utc:
        return datetime.timedelta(0)
    spans = _merge_pauses(pauses, start_utc)
    if clock_unit is ClockUnit.CALENDAR_HOURS and not spans:
        return end_utc - start_utc
    total = datetime.timedelta(0)
    for a, b in _subtract(_base_spans(start_utc, end_utc, clock_unit, calendar), spans):
        total += (end_utc if b is None else min(b, end_utc)) - a
    return total


def thai_holidays(years: Iterable[int]) -> frozenset[datetime.date]:
    """Thai public holidays, including the in-lieu days the `holidays` package knows.

    Only the package's default (public) category is used: government-only days such as
    the Royal Ploughing Ceremony are not general days off, and the organisation adds
    its own days off on top via ``default_calendar(extra_days_off=...)``.
    """
    return frozenset(pyholidays.country_holidays("TH", years=sorted(set(years))).keys())


def default_calendar(
    extra_days_off: Iterable[datetime.date] = (),
    extra_workdays: Iterable[datetime.date] = (),
    years: Iterable[int] | None = None,
) -> WorkingCalendar:
    """PWA office hours: Asia/Bangkok, Monday to Friday 08:30-16:30, Thai public holidays.

    Holidays are only known for ``years``; outside them every weekday counts as a working
    day, so the default covers a window around today wide enough for open complaints.
    """
    if years is None:
        this_year = datetime.datetime.now(BANGKOK).year
        years = range(this_year - 3, this_year + 3)
    return WorkingCalendar(
        tz=BANGKOK,
        day_start=datetime.time(8, 30),
        day_end=datetime.time(16, 30),
        workdays=frozenset(range(5)),
        holidays=thai_holidays(years) | frozenset(extra_days_off),
        extra_workdays=frozenset(extra_workdays),
    )
