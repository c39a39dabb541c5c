from datetime import date, datetime

from django import template
from django.utils.translation import get_language

from tanjai.core.dates import format_date

register = template.Library()


@register.filter
def thai_datetime(value: datetime | None) -> str:
    """23 พ.ย. 2569 14:05 (Buddhist Era, Bangkok time); English: 23 Nov 2026 14:05."""
    return format_date(value, language=get_language() or "th")


@register.filter
def thai_date(value: date | datetime | None) -> str:
    return format_date(value, language=get_language() or "th", with_time=False)
