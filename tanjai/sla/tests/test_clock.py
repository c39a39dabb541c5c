"""SLA clock rules as PWA staff would state them, with fixed dates (no dependence on today)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest

from tanjai.sla.clock import (
    BANGKOK,
    ClockUnit,
    Pause,
    WorkingCalendar,
    default_calendar,
    due_at,
    elapsed,
    target_duration,
    thai_holidays,
)

UTC = datetime.UTC
YEARS = range(2024, 2029)

CAL = ClockUnit.CALENDAR_HOURS
WH = ClockUnit.WORKING_HOURS
WD = ClockUnit.WORKING_DAYS


def bkk(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime.datetime:
    """A Bangkok wall-clock instant, as staff would read it off the office clock."""
    return datetime.datetime(y, mo, d, h, mi, tzinfo=BANGKOK)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return default_calendar(years=YEARS)


# --- Calendar hours -------------------------------------------------------------------------


def test_calendar_hours_run_through_the_weekend(calendar: WorkingCalendar) -> None:
    # Friday 6 March 2026 20:00 + 24 h = Saturday 20:00, weekend irrelevant.
    due = due_at(bkk(2026, 3, 6, 20), 24, CAL, calendar)
    assert due == bkk(2026, 3, 7, 20)
    assert due is not None and due.tzinfo is UTC
    assert due == datetime.datetime(2026, 3, 7, 13, 0, tzinfo=UTC)


def test_calendar_hours_ignore_public_holidays(calendar: WorkingCalendar) -> None:
    assert due_at(bkk(2026, 4, 12, 12), 48, "calendar_hours", calendar) == bkk(2026, 4, 14, 12)


# --- Working days ---------------------------------------------------------------------------


def test_seven_working_days_from_friday_afternoon_cross_two_weekends(
    calendar: WorkingCalendar,
) -> None:
    # Fri 6 Mar 15:00-16:30 (1.5 h) + six full days (Mon 9 .. Fri 13, Mon 16) + 6.5 h on Tue 17.
    assert due_at(bkk(2026, 3, 6, 15), 7, WD, calendar) == bkk(2026, 3, 17, 15)


def test_one_working_day_from_monday_opening_is_due_at_monday_closing(
    calendar: WorkingCalendar,
) -> None:
    assert due_at(bkk(2026, 3, 9, 8, 30), 1, WD, calendar) == bkk(2026, 3, 9, 16, 30)


def test_complaint_filed_on_saturday_starts_counting_monday_morning(
    calendar: WorkingCalendar,
) -> None:
    assert due_at(bkk(2026, 3, 7, 10), 1, WD, calendar) == bkk(2026, 3, 9, 16, 30)


def test_complaint_filed_after_hours_starts_counting_next_morning(
    calendar: WorkingCalendar,
) -> None:
    assert due_at(bkk(2026, 3, 9, 19), 2, WH, calendar) == bkk(2026, 3, 10, 10, 30)
    assert due_at(bkk(2026, 3, 10, 6), 2, WH, calendar) == bkk(2026, 3, 10, 10, 30)


def test_deadline_on_closing_time_stays_at_closing_time(calendar: WorkingCalendar) -> None:
    assert due_at(bkk(2026, 3, 9, 14, 30), 2, WH, calendar) == bkk(2026, 3, 9, 16, 30)
    # Filed exactly at closing time: nothing left today, counting starts tomorrow.
    assert due_at(bkk(2026, 3, 9, 16, 30), 1, WH, calendar) == bkk(2026, 3, 10, 9, 30)


def test_zero_target_is_due_immediately(calendar: WorkingCalendar) -> None:
    assert due_at(bkk(2026, 3, 7, 10), 0, WD, calendar) == bkk(2026, 3, 7, 10)


def test_fractional_and_decimal_targets(calendar: WorkingCalendar) -> None:
    assert due_at(bkk(2026, 3, 9, 8, 30), 0.5, WD, calendar) == bkk(2026, 3, 9, 12, 30)
    assert due_at(bkk(2026, 3, 9, 8, 30), Decimal("1.5"), WH, calendar) == bkk(2026, 3, 9, 10)


def test_input_in_another_zone_gives_the_same_utc_deadline(calendar: WorkingCalendar) -> None:
    start_utc = datetime.datetime(2026, 3, 9, 1, 30, tzinfo=UTC)  # 08:30 Bangkok
    due = due_at(start_utc, 1, WD, calendar)
    assert due == datetime.datetime(2026, 3, 9, 9, 30, tzinfo=UTC)
    assert due is not None and due.tzinfo is UTC


# --- Holidays ---------------------------------------------------------------------------------


def test_songkran_2026_is_three_weekdays_without_substitution_days() -> None:
    days = thai_holidays([2026])
    assert {datetime.date(2026, 4, d) for d in (13, 14, 15)} <= days
    # 13-15 April 2026 fall on Mon-Wed, so there is no in-lieu day.
    assert datetime.date(2026, 4, 12) not in days
    assert datetime.date(2026, 4, 16) not in days
    assert datetime.date(2026, 4, 6) in days  # Chakri Memorial Day, the Monday before


def test_songkran_2025_on_a_sunday_gets_a_substitution_day() -> None:
    days = thai_holidays([2025])
    assert {datetime.date(2025, 4, d) for d in (13, 14, 15, 16)} <= days


def test_working_days_skip_songkran_2026(calendar: WorkingCalendar) -> None:
    # Fri 10 Apr counts in full; Mon 13 - Wed 15 are Songkran; Thu 16 is the second day.
    assert due_at(bkk(2026, 4, 10, 8, 30), 2, WD, calendar) == bkk(2026, 4, 16, 16, 30)
    # 3 days from Thursday 9 April: Thu, Fri, then Thu 16 after the long weekend.
    assert due_at(bkk(2026, 4, 9, 8, 30), 3, WD, calendar) == bkk(2026, 4, 16, 16, 30)


def test_working_days_skip_songkran_2025_including_substitution_day(
    calendar: WorkingCalendar,
) -> None:
    # Fri 11 Apr 12:30-16:30, then Sat 12 .. Wed 16 off, Thu 17 08:30-12:30.
    assert due_at(bkk(2025, 4, 11, 12, 30), 1, WD, calendar) == bkk(2025, 4, 17, 12, 30)


def test_working_days_skip_new_year_break(calendar: WorkingCalendar) -> None:
    # 31 Dec 2025 (Wed), 1 Jan (Thu) and the 2 Jan bridge holiday (Fri) are all off.
    assert {datetime.date(2025, 12, 31), datetime.date(2026, 1, 2)} <= calendar.holidays
    assert due_at(bkk(2025, 12, 30, 12, 30), 2, WD, calendar) == bkk(2026, 1, 6, 12, 30)


def test_organisation_day_off_extends_the_deadline() -> None:
    pwa = default_calendar(extra_days_off=[datetime.date(2026, 1, 5)], years=YEARS)
    assert datetime.date(2026, 1, 5) in pwa.holidays
    assert due_at(bkk(2025, 12, 30, 12, 30), 2, WD, pwa) == bkk(2026, 1, 7, 12, 30)


def test_declared_working_saturday_counts() -> None:
    normal = default_calendar(years=YEARS)
    busy = default_calendar(extra_workdays=[datetime.date(2026, 3, 7)], years=YEARS)
    assert due_at(bkk(2026, 3, 6, 12, 30), 1, WD, normal) == bkk(2026, 3, 9, 12, 30)
    assert due_at(bkk(2026, 3, 6, 12, 30), 1, WD, busy) == bkk(2026, 3, 7, 12, 30)


def test_declared_working_day_beats_a_holiday() -> None:
    cal = default_calendar(extra_workdays=[datetime.date(2026, 4, 13)], years=YEARS)
    assert cal.is_working_day(datetime.date(2026, 4, 13))
    assert not cal.is_working_day(datetime.date(2026, 4, 14))
    assert due_at(bkk(2026, 4, 10, 8, 30), 2, WD, cal) == bkk(2026, 4, 13, 16, 30)


# --- Pauses ----------------------------------------------------------------------------------


def test_pause_in_calendar_time_extends_by_its_length(calendar: WorkingCalendar) -> None:
    pause = Pause(bkk(2026, 3, 9, 10), bkk(2026, 3, 9, 12, 30))
    assert due_at(bkk(2026, 3, 9, 8), 24, CAL, calendar, [pause]) == bkk(2026, 3, 10, 10, 30)


def test_pause_across_weekend_in_calendar_time_counts_whole_weekend(
    calendar: WorkingCalendar,
) -> None:
    pause = Pause(bkk(2026, 3, 6, 15, 30), bkk(2026, 3, 9, 10, 30))  # 67 h
    assert due_at(bkk(2026, 3, 6, 12, 30), 8, CAL, calendar, [pause]) == bkk(2026, 3, 9, 15, 30)


def test_pause_in_working_time_extends_by_its_length(calendar: WorkingCalendar) -> None:
    pause = Pause(bkk(2026, 3, 9, 10), bkk(2026, 3, 9, 11))
    assert due_at(bkk(2026, 3, 9, 8, 30), 1, WD, calendar, [pause]) == bkk(2026, 3, 10, 9, 30)


def test_pause_across_weekend_extends_only_by_its_working_part(
    calendar: WorkingCalendar,
) -> None:
    # Fri 15:30-16:30 (1 h) + Mon 08:30-10:30 (2 h): deadline moves 3 working hours.
    pause = Pause(bkk(2026, 3, 6, 15, 30), bkk(2026, 3, 9, 10, 30))
    start = bkk(2026, 3, 6, 12, 30)
    assert due_at(start, 1, WD, calendar) == bkk(2026, 3, 9, 12, 30)
    assert due_at(start, 1, WD, calendar, [pause]) == bkk(2026, 3, 9, 15, 30)


def test_pause_outside_office_hours_changes_nothing(calendar: WorkingCalendar) -> None:
    pause = Pause(bkk(2026, 3, 9, 17), bkk(2026, 3, 10, 8))
    start = bkk(2026, 3, 9, 8, 30)
    assert due_at(start, 2, WD, calendar, [pause]) == due_at(start, 2, WD, calendar)


def test_overlapping_unsorted_pauses_count_once(calendar: WorkingCalendar) -> None:
    pauses = [
        Pause(bkk(2026, 3, 9, 10, 30), bkk(2026, 3, 9, 12)),
        Pause(bkk(2026, 3, 9, 11, 30), bkk(2026, 3, 9, 11, 45)),
        Pause(bkk(2026, 3, 9, 10), bkk(2026, 3, 9, 11)),
    ]  # union 10:00-12:00 = 2 h
    assert due_at(bkk(2026, 3, 9, 8, 30), 1, WD, calendar, pauses) == bkk(2026, 3, 10, 10, 30)
    assert due_at(bkk(2026, 3, 9, 8), 4, CAL, calendar, pauses) == bkk(2026, 3, 9, 14)


def test_touching_pauses_merge(calendar: WorkingCalendar) -> None:
    pauses = [
        Pause(bkk(2026, 3, 9, 10), bkk(2026, 3, 9, 11)),
        Pause(bkk(2026, 3, 9, 11), bkk(2026, 3, 9, 12)),
    ]
    assert due_at(bkk(2026, 3, 9, 8, 30), 1, WD, calendar, pauses) == bkk(2026, 3, 10, 10, 30)


def test_open_pause_before_deadline_means_no_deadline(calendar: WorkingCalendar) -> None:
    start = bkk(2026, 3, 9, 8, 30)
    open_pause = Pause(bkk(2026, 3, 9, 10), None)
    assert due_at(start, 1, WD, calendar, [open_pause]) is None
    assert due_at(start, 24, CAL, calendar, [open_pause]) is None
    # An earlier closed pause does not rescue it.
    closed = Pause(bkk(2026, 3, 9, 9), bkk(2026, 3, 9, 9, 30))
    assert due_at(start, 1, WD, calendar, [open_pause, closed]) is None


def test_open_pause_covering_start_means_no_deadline(calendar: WorkingCalendar) -> None:
    assert due_at(bkk(2026, 3, 9, 9), 1, WH, calendar, [Pause(bkk(2026, 3, 8), None)]) is None


def test_open_pause_after_deadline_does_not_matter(calendar: WorkingCalendar) -> None:
    start = bkk(2026, 3, 9, 8, 30)
    late = Pause(bkk(2026, 3, 12, 9), None)
    assert due_at(start, 1, WD, calendar, [late]) == bkk(2026, 3, 9, 16, 30)
    # Paused at the very instant the target is reached: the deadline was already met.
    on_time = Pause(bkk(2026, 3, 9, 16, 30), None)
    assert due_at(start, 1, WD, calendar, [on_time]) == bkk(2026, 3, 9, 16, 30)
    assert due_at(start, 3, CAL, calendar, [Pause(bkk(2026, 3, 9, 11, 30), None)]) == bkk(
        2026, 3, 9, 11, 30
    )


def test_pause_before_start_is_ignored(calendar: WorkingCalendar) -> None:
    start = bkk(2026, 3, 9, 8, 30)
    old = Pause(bkk(2026, 3, 8, 10), bkk(2026, 3, 8, 12))
    assert due_at(start, 1, WD, calendar, [old]) == bkk(2026, 3, 9, 16, 30)
    assert due_at(start, 5, CAL, calendar, [old]) == bkk(2026, 3, 9, 13, 30)


def test_pause_straddling_start_counts_only_after_start(calendar: WorkingCalendar) -> None:
    start = bkk(2026, 3, 9, 8, 30)
    straddle = Pause(bkk(2026, 3, 8, 20), bkk(2026, 3, 9, 9, 30))
    assert due_at(start, 1, WD, calendar, [straddle]) == bkk(2026, 3, 10, 9, 30)
    assert due_at(start, 5, CAL, calendar, [straddle]) == bkk(2026, 3, 9, 14, 30)


def test_empty_pause_is_ignored(calendar: WorkingCalendar) -> None:
    instant = bkk(2026, 3, 9, 10)
    start = bkk(2026, 3, 9, 8, 30)
    assert due_at(start, 1, WD, calendar, [Pause(instant, instant)]) == bkk(2026, 3, 9, 16, 30)


def test_pause_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError, match="ends before"):
        Pause(bkk(2026, 3, 9, 10), bkk(2026, 3, 9, 9))


# --- Elapsed ---------------------------------------------------------------------------------


def test_elapsed_counts_only_working_time(calendar: WorkingCalendar) -> None:
    # Fri 15:00 -> Mon 10:00: 1.5 h Friday + 1.5 h Monday.
    start, end = bkk(2026, 3, 6, 15), bkk(2026, 3, 9, 10)
    assert elapsed(start, end, WH, calendar) == datetime.timedelta(hours=3)
    assert elapsed(start, end, WD, calendar) == datetime.timedelta(hours=3)
    assert elapsed(start, end, CAL, calendar) == datetime.timedelta(hours=67)


def test_elapsed_minus_pauses_and_stops_at_open_pause(calendar: WorkingCalendar) -> None:
    start, end = bkk(2026, 3, 9, 8, 30), bkk(2026, 3, 9, 16, 30)
    pauses = [Pause(bkk(2026, 3, 9, 10), bkk(2026, 3, 9, 11))]
    assert elapsed(start, end, WH, calendar, pauses) == datetime.timedelta(hours=7)
    open_pause = [Pause(bkk(2026, 3, 9, 12), None)]
    assert elapsed(start, end, WH, calendar, open_pause) == datetime.timedelta(hours=3, minutes=30)
    assert elapsed(start, end, CAL, calendar, open_pause) == datetime.timedelta(hours=3, minutes=30)


def test_elapsed_is_zero_when_end_not_after_start(calendar: WorkingCalendar) -> None:
    t = bkk(2026, 3, 9, 10)
    assert elapsed(t, t, WH, calendar) == datetime.timedelta(0)
    assert elapsed(t, t - datetime.timedelta(hours=5), CAL, calendar) == datetime.timedelta(0)


INVERSE_STARTS = [
    bkk(2026, 3, 6, 15),  # Friday afternoon
    bkk(2026, 3, 7, 10),  # Saturday
    bkk(2026, 3, 9, 8, 30),  # Monday opening
    bkk(2026, 3, 9, 16, 30),  # Monday closing
    bkk(2026, 3, 9, 23, 59),  # Monday night
    bkk(2026, 4, 10, 11, 17),  # Friday before Songkran
    bkk(2025, 12, 30, 12, 30),  # before New Year
    datetime.datetime(2026, 6, 2, 3, 3, 3, 3, tzinfo=UTC),  # odd seconds, UTC input
]
INVERSE_TARGETS = [
    (CAL, 1),
    (CAL, 72),
    (WH, 1),
    (WH, 7.25),
    (WH, 40),
    (WD, 1),
    (WD, 2.5),
    (WD, 15),
]
INVERSE_PAUSE_SETS: list[list[Pause]] = [
    [],
    [Pause(bkk(2026, 3, 9, 10), bkk(2026, 3, 9, 13))],
    [
        Pause(bkk(2026, 3, 6, 16), bkk(2026, 3, 10, 9)),
        Pause(bkk(2026, 3, 10, 8), bkk(2026, 3, 10, 11)),
        Pause(bkk(2026, 4, 9), bkk(2026, 4, 17, 12)),
        Pause(bkk(2026, 1, 5, 12), bkk(2026, 1, 6, 12)),
    ],
]


@pytest.mark.parametrize("pauses", INVERSE_PAUSE_SETS, ids=["none", "one", "several"])
def test_elapsed_is_the_inverse_of_due_at(calendar: WorkingCalendar, pauses: list[Pause]) -> None:
    tick = datetime.timedelta(microseconds=1)
    for start, (unit, amount) in itertools.product(INVERSE_STARTS, INVERSE_TARGETS):
        due = due_at(start, amount, unit, calendar, pauses)
        assert due is not None
        target = target_duration(amount, unit, calendar)
        assert elapsed(start, due, unit, calendar, pauses) == target, (start, unit, amount)
        # ... and it is the earliest such instant.
        assert elapsed(start, due - tick, unit, calendar, pauses) < target, (start, unit, amount)


# --- Building blocks -------------------------------------------------------------------------


def test_target_duration(calendar: WorkingCalendar) -> None:
    assert target_duration(3, CAL, calendar) == datetime.timedelta(hours=3)
    assert target_duration(3, "working_hours", calendar) == datetime.timedelta(hours=3)
    assert target_duration(2, WD, calendar) == datetime.timedelta(hours=16)
    assert calendar.working_minutes_per_day == 480


def test_bad_targets_are_rejected(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="unknown SLA clock unit"):
        target_duration(1, "fortnights", calendar)
    with pytest.raises(ValueError, match="non-negative"):
        due_at(bkk(2026, 3, 9, 10), -1, WH, calendar)
    with pytest.raises(ValueError, match="non-negative"):
        target_duration(float("inf"), WH, calendar)


def test_working_intervals_clip_to_bounds(calendar: WorkingCalendar) -> None:
    got = list(calendar.working_intervals(bkk(2026, 3, 6, 15), bkk(2026, 3, 10, 10)))
    assert got == [
        (bkk(2026, 3, 6, 15), bkk(2026, 3, 6, 16, 30)),
        (bkk(2026, 3, 9, 8, 30), bkk(2026, 3, 9, 16, 30)),
        (bkk(2026, 3, 10, 8, 30), bkk(2026, 3, 10, 10)),
    ]
    assert all(a.tzinfo is UTC and b.tzinfo is UTC for a, b in got)


def test_default_calendar_is_pwa_office_hours() -> None:
    cal = default_calendar(years=[2026])
    assert cal.tz == BANGKOK
    assert (cal.day_start, cal.day_end) == (datetime.time(8, 30), datetime.time(16, 30))
    assert cal.workdays == frozenset({0, 1, 2, 3, 4})
    assert cal.holidays == thai_holidays([2026])
    assert not cal.is_working_day(datetime.date(2026, 3, 7))  # Saturday
    assert cal.is_working_day(datetime.date(2026, 3, 9))


@pytest.mark.parametrize(
    "call",
    [
        lambda cal: due_at(datetime.datetime(2026, 3, 9, 10), 1, WD, cal),
        lambda cal: elapsed(bkk(2026, 3, 9), datetime.datetime(2026, 3, 10), WH, cal),
        lambda cal: list(cal.working_intervals(datetime.datetime(2026, 3, 9))),
        lambda cal: Pause(datetime.datetime(2026, 3, 9), None),
        lambda cal: Pause(bkk(2026, 3, 9), datetime.datetime(2026, 3, 10)),
    ],
    ids=["due_at", "elapsed", "working_intervals", "pause-start", "pause-end"],
)
def test_naive_datetimes_are_rejected(
    calendar: WorkingCalendar, call: Callable[[WorkingCalendar], object]
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call(calendar)


def test_calendar_without_workdays_is_rejected() -> None:
    with pytest.raises(ValueError, match="workdays"):
        WorkingCalendar(
            BANGKOK, datetime.time(8, 30), datetime.time(16, 30), frozenset(), frozenset()
        )
    with pytest.raises(ValueError, match="day_start"):
        WorkingCalendar(
            BANGKOK, datetime.time(16, 30), datetime.time(8, 30), frozenset({0}), frozenset()
        )


def test_calendar_with_every_working_day_off_raises_instead_of_looping() -> None:
    mondays = frozenset(
        datetime.date(2026, 3, 9) + datetime.timedelta(weeks=w) for w in range(-1, 53 * 22)
    )
    cal = WorkingCalendar(BANGKOK, datetime.time(8, 30), datetime.time(16, 30), {0}, mondays)
    with pytest.raises(ValueError, match="no working time"):
        due_at(bkk(2026, 3, 9), 1, WH, cal)


def test_absurdly_long_target_raises(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="more than"):
        due_at(bkk(2026, 3, 9), 6000, WD, calendar)


def test_long_targets_are_cheap(calendar: WorkingCalendar) -> None:
    # 4000 working days (~16 years) walks days, not minutes; this would time out otherwise.
    due = due_at(bkk(2026, 3, 9, 8, 30), 4000, WD, calendar)
    assert due is not None and due > bkk(2040, 1, 1)
