from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.scope import Actor
from tanjai.complaints.filters import ComplaintFilters, form_fields

ORDERINGS = [
    ("resolve_due_at", _("Due soonest first")),
    ("-received_at", _("Newest first")),
    ("received_at", _("Oldest first")),
]


class QueueFilterForm(forms.Form):
    """Filters of a work queue (those of the complaint list the staff page offers, see
    complaints/filters.py) and its order; invalid values are dropped, never an error page."""

    order = forms.ChoiceField(label=_("Sort"), required=False, choices=ORDERINGS)

    def __init__(self, *args: Any, actor: Actor, queue: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {**form_fields(actor=actor, queue=queue), "order": self.fields["order"]}

    def value(self, name: str) -> Any:
        """A filter's value; one that is not valid (a stale choice in a bookmarked URL) is
        dropped on its own, the others still apply."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get(name) or ""

    def filters(self) -> ComplaintFilters:
        """The filters chosen, those not valid left out."""
        return ComplaintFilters(
            **{name: self.value(name) for name in self.fields if name != "order"}
        )

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
