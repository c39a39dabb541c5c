"""Reporting periods as PWA names them: a month (2026-10), a Thai fiscal year (FY2569,
1 October 2568 to 30 September 2569), a fiscal quarter (FY2569-Q1 = October to December)
or a range of days (2026-10-01..2026-10-31). Years above 2400 are Buddhist Era."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tanjai.core import dates
from tanjai.core.dates import (
    ENGLISH_MONTH_NAMES,
    ENGLISH_MONTHS,
    THAI_MONTH_NAMES,
    THAI_MONTHS,
    format_date,
)

BE = 543


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | range
    first: date  # the first day
    last: date  # the last day, inclusive
    code: str

    @property
    def start(self) -> datetime:
        """The first moment, in Bangkok time."""
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The moment after the period (exclusive)."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    @property
    def label(self) -> str:
        """As a person reads it, in the active language: Thai with Buddhist-Era years
        ("ไตรมาส 1 ปีงบประมาณ 2570"), or English ("FY2570 Q1 (Oct-Dec 2026)")."""
        return self.label_in(get_language() or "th")

    def label_in(self, language: str, *, long_months: bool = False) -> str:
        english = language.startswith("en")
        fy = fiscal_year(self.first) + BE
        if self.kind == "month":
            if english:
                return f"{ENGLISH_MONTH_NAMES[self.first.month - 1]} {self.first.year}"
            names = THAI_MONTH_NAMES if long_months else THAI_MONTHS
            return f"{names[self.first.month - 1]} {self.first.year + BE}"
        if self.kind == "year":
            if english:
                return f"FY{fy} (Oct {self.first.year} - Sep {self.last.year})"
            return f"ปีงบประมาณ {fy}"
        if self.kind == "quarter":
            if english:
                months = (
                    f"{ENGLISH_MONTHS[self.first.month - 1]}-{ENGLISH_MONTHS[self.last.month - 1]}"
                )
                return f"FY{fy} Q{self.code[-1]} ({months} {self.last.year})"
            return f"ไตรมาส {self.code[-1]} ปีงบประมาณ {fy}"
        first = format_date(self.first, language=language, with_time=False)
        last = format_date(self.last, language=language, with_time=False)
        return f"{first} – {last}"

    def previous(self) -> Period:
        """The period of the same length just before, for comparisons."""
        if self.kind == "month":
            return month_period(self.first - timedelta(days=1))
        if self.kind == "quarter":
            return quarter_period(self.first - timedelta(days=1))
        if self.kind == "year":
            return year_period(fiscal_year(self.first) - 1)
        days = (self.last - self.first).days + 1
        last = self.first - timedelta(days=1)
        first = last - timedelta(days=days - 1)
        return Period("range", first, last, f"{first.isoformat()}..{last.isoformat()}")


def recent_periods(*, today: date | None = None, months: int = 24) -> dict[str, list[Period]]:
    """The periods a person picks a report for, newest first: the months, fiscal quarters
    and fiscal years of the last `months` months (the current ones included)."""
    today = today or timezone.localdate()
    month_list = []
    first = today.replace(day=1)
    for _n in range(months):
        month_list.append(month_period(first))
        first = (first - timedelta(days=1)).replace(day=1)
    quarters: list[Period] = []
    years: list[Period] = []
    for month in month_list:
        quarter = quarter_period(month.first)
        if quarter not in quarters:
            quarters.append(quarter)
        year = year_period(fiscal_year(month.first))
        if year not in years:
            years.append(year)
    return {"month": month_list, "quarter": quarters, "year": years}


def day_parse(text: str) -> date:
    """A day as a person types it (15/10/2569, 15/10/69, 15 ต.ค. 2569, 2026-10-15)."""
    day = dates.day_parse(text or "")
    if day is None:
        raise PeriodError(_("%(text)s is not a date: write it as 15/10/2569.") % {"text": text})
    return day


def thai_day(day: date) -> str:
    return format_date(day, with_time=False)


def fiscal_year(day: date) -> int:
    """The Christian-Era year in which the fiscal year of `day` ends."""
    return day.year + 1 if day.month >= 10 else day.year


def month_period(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, following - timedelta(days=1), f"{first:%Y-%m}")


def year_period(ce_year: int) -> Period:
    return Period("year", date(ce_year - 1, 10, 1), date(ce_year, 9, 30), f"FY{ce_year + BE}")


def quarter_period(day: date) -> Period:
    fy = fiscal_year(day)
    quarter = ((day.month - 10) % 12) // 3 + 1
    first_month = (9 + 3 * (quarter - 1)) % 12 + 1
    first = date(fy - 1 if first_month >= 10 else fy, first_month, 1)
    # Quarters never cross a calendar year (Oct-Dec, Jan-Mar, Apr-Jun, Jul-Sep).
    last = month_period(date(first.year, first.month + 2, 1)).last
    return Period("quarter", first, last, f"FY{fy + BE}-Q{quarter}")


def _ce(year: int) -> int:
    return year - BE if year > 2400 else year


def period_parse(text: str) -> Period:
    """`2026-10` | `FY2569` | `FY2569-Q1` | `2026-10-01..2026-10-31` (or `2569-10`)."""
    value = (text or "").strip().upper()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            return month_period(date(_ce(int(m[1])), int(m[2]), 1))
        if m := re.fullmatch(r"FY(\d{4})", value):
            return year_period(_ce(int(m[1])))
        if m := re.fullmatch(r"FY(\d{4})-Q([1-4])", value):
            fy = _ce(int(m[1]))
            month = (9 + 3 * (int(m[2]) - 1)) % 12 + 1
            return quarter_period(date(fy - 1 if month >= 10 else fy, month, 1))
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})", value):
            first = date(_ce(int(m[1])), int(m[2]), int(m[3]))
            last = date(_ce(int(m[4])), int(m[5]), int(m[6]))
            if last < first:
                raise PeriodError(_("The range ends before it starts."))
            if (last - first).days > 3 * 366:
                raise PeriodError(_("A range can be at most three years."))
            return Period("range", first, last, f"{first.isoformat()}..{last.isoformat()}")
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(_("%(text)s is not a date.") % {"text": text}) from None
    raise PeriodError(
        _(
            "%(text)s is not a period: give a month (2026-10), a fiscal year (FY2569), "
            "a quarter (FY2569-Q1) or a range (2026-10-01..2026-10-31)."
        )
        % {"text": text}
    )
