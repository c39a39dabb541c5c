from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tanjai.reference.models import Category, Channel

ORDERINGS = [
    ("resolve_due_at", _("Due soonest first")),
    ("-received_at", _("Newest first")),
    ("received_at", _("Oldest first")),
]


class QueueFilterForm(forms.Form):
    """Filters of a work queue; invalid values are dropped, never an error page."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    order = forms.ChoiceField(label=_("Sort"), required=False, choices=ORDERINGS)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        everything = [("", _("All"))]
        self.fields["category"].choices = everything + [  # type: ignore[attr-defined]
            (c.code, c.name) for c in Category.objects.filter(active=True)
        ]
        self.fields["channel"].choices = everything + [  # type: ignore[attr-defined]
            (c.code, c.name) for c in Channel.objects.filter(active=True)
        ]

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name) or "" if self.is_valid() else ""
