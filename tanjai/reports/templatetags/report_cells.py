from datetime import datetime
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tanjai.core.dates import format_date

register = template.Library()


@register.simple_tag
def report_cell(row: dict[str, Any], column: Any) -> str:
    """One figure as people read it: 1,234 · 85.2% · 12.5 · 23 พ.ย. 2569 14:05."""
    value = row.get(column.key)
    kind = row.get("kind", "int") if column.kind == "mixed" else column.kind
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return format_date(value, language=get_language() or "th")
    if isinstance(value, str) and column.kind == "datetime":
        return format_date(datetime.fromisoformat(value), language=get_language() or "th")
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind in ("float", "hours"):
        return number_format(value, 1 if kind == "hours" else 2, force_grouping=True)
    if kind == "int" and isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)
