from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.scope import Actor
from tanjai.core.forms import ThaiDateField
from tanjai.reference.models import Category, Channel
from tanjai.sla.clock import BANGKOK

ORDERINGS = [
    ("resolve_due_at", _("Due soonest first")),
    ("-received_at", _("Newest first")),
    ("received_at", _("Oldest first")),
]


class QueueFilterForm(forms.Form):
    """Filters of a work queue; invalid values are dropped, never an error page."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    technician = forms.ChoiceField(label=_("Technician"), required=False)
    received_from = ThaiDateField(label=_("Received from"), required=False)
    received_to = ThaiDateField(label=_("Received until"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    order = forms.ChoiceField(label=_("Sort"), required=False, choices=ORDERINGS)

    def __init__(self, *args: Any, actor: Actor, queue: str = "", **kwargs: Any) -> None:
        from tanjai.complaints.selectors import technicians_in_scope, units_in_scope

        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        everything = [("", _("All"))]
        fields["category"].choices = everything + [
            (c.code, c.name) for c in Category.objects.filter(active=True)
        ]
        fields["channel"].choices = everything + [
            (c.code, c.name) for c in Channel.objects.filter(active=True)
        ]
        fields["unit"].choices = everything + [(u.code, u.name) for u in units_in_scope(actor)]
        # A technician's own work orders are theirs alone: no one else's to filter by.
        technicians = technicians_in_scope(actor) if queue != "my_jobs" else []
        if technicians:
            fields["technician"].choices = everything + [
                (u.username, u.get_full_name() or u.username) for u in technicians
            ]
        else:
            del fields["technician"]

    def value(self, name: str) -> Any:
        """A filter's value; one that is not valid (a stale choice in a bookmarked URL) is
        dropped on its own, the others still apply."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get(name) or ""

    def dropped(self) -> list[tuple[Any, str]]:
        """The filters left out because their value is not valid, with why (a stale choice,
        a NUL character pasted into the search), so the list does not seem filtered."""
        if not self.is_bound or self.is_valid():
            return []
        return [
            (self.fields[name].label, str(message))
            for name, messages in self.errors.items()
            if name in self.fields
            for message in messages
        ]

    def in_use(self) -> int:
        """How many filters narrow the list (the order is no filter)."""
        return sum(1 for name in self.fields if name != "order" and self.value(name))

    def received_range(self) -> tuple[datetime | None, datetime | None]:
        """The chosen days as Bangkok-time bounds: [from 00:00, the day after "until")."""

        def start(day: date | str) -> datetime | None:
            return datetime.combine(day, time(), tzinfo=BANGKOK) if day else None  # type: ignore[arg-type]

        until = self.value("received_to")
        return start(self.value("received_from")), (
            start(until + timedelta(days=1)) if until else None
        )
