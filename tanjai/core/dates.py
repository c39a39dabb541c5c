"""Dates as Thai readers expect them: Buddhist Era years, Thai month abbreviations,
Asia/Bangkok time ("23 พ.ย. 2569 14:05"); English readers get "23 Nov 2026 14:05"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

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


def format_date(
    value: date | datetime | None, *, language: str = "th", with_time: bool = True
) -> str:
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
    if with_time and isinstance(value, datetime):
        text += f" {value:%H:%M}"
    return text
