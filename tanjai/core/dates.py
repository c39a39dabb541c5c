"""Dates as Thai readers expect them: Buddhist Era years, Thai month abbreviations,
Asia/Bangkok time ("23 พ.ย. 2569 14:05"); English readers get "23 Nov 2026 14:05"."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tanjai.core.text import THAI_DIGITS

BANGKOK = ZoneInfo("Asia/Bangkok")
THAI_MONTHS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
THAI_MONTH_NAMES = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
ENGLISH_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(
    value: date | datetime | None,
    *,
    language: str = "th",
    with_time: bool = True,
    short: bool = False,
) -> str:
    """`short`: the year in two digits ("1 ต.ค. 69 08:15"), for tables; the date's parts
    are held together by no-break spaces, so only the time may go to a second line."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("an aware datetime is needed")
        value = value.astimezone(BANGKOK)
    thai = not language.startswith("en")
    month = (THAI_MONTHS if thai else ENGLISH_MONTHS)[value.month - 1]
    year = value.year + 543 if thai else value.year
    text = f"{value.day} {month} {year}"
    if short:
        text = f"{value.day}\u00a0{month}\u00a0{year % 100:02d}"
    if with_time and isinstance(value, datetime):
        text += f" {value:%H:%M}"
    return text


# Years from here on are of the Buddhist Era (2569 = 2026); below, of the Christian era.
_BE_FROM = 2400
_NUMERIC_DAY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NAMED_DAY = re.compile(r"(\d{1,2})\s*(\S+?)\s*(\d{4}|\d{2})")


def day_parse(text: str) -> date | None:
    """A day as Thai people write it: day/month/year of the Buddhist Era (1/5/2569, 1/5/69,
    1 พ.ค. 2569, Thai digits too); a Christian-era year and ISO days (2026-05-01, from
    links made before) are understood as well. None when it is no day."""
    text = text.translate(THAI_DIGITS).strip()
    if m := _ISO_DAY.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _NUMERIC_DAY.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    elif (m := _NAMED_DAY.fullmatch(text)) and m[2] in THAI_MONTHS:
        day, month, year = int(m[1]), THAI_MONTHS.index(m[2]) + 1, int(m[3])
    else:
        return None
    if year < 100:
        year += 2500  # 69 is 2569: two digits are always of the Buddhist Era
    if year >= _BE_FROM:
        year -= 543
    try:
        return date(year, month, day)
    except ValueError:
        return None


def day_typed(day: date) -> str:
    """1/5/2569: a day as a person types it, in the Buddhist Era."""
    return f"{day.day}/{day.month}/{day.year + 543}"
