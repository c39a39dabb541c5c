"""Form fields shared by the staff pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tanjai.core.dates import day_parse, day_typed


class ThaiDateField(forms.DateField):
    """A day typed as text in the Buddhist Era. Not <input type=date>: that follows the
    browser's language, so an English browser shows mm/dd/yyyy in the Christian era."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"inputmode": "numeric", "autocomplete": "off", "placeholder": _("dd/mm/yyyy B.E.")}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        day = day_parse(str(value))
        if day is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return day

    def prepare_value(self, value: Any) -> Any:
        # What was typed comes back in the field; a day this field reads, in the Buddhist Era.
        day = value if isinstance(value, date) else day_parse(str(value or ""))
        return day_typed(day) if day else value
