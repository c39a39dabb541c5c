"""ครส.'s form to assign an improvement action: a unit from a sorted, grouped list, and its
owner from the people of that unit (the page asks for them again when the unit changes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tanjai.core.forms import ThaiDateField
from tanjai.improvement.selectors import unit_owners, units_grouped
from tanjai.organisation.models import Unit


class ActionAssignForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    unit = forms.ChoiceField(label=_("Unit"), error_messages={"required": _("Choose the unit.")})
    owner = forms.CharField(
        label=_("Owner"),
        widget=forms.Select,
        error_messages={"required": _("Choose the owner from the unit's staff.")},
    )
    due_date = ThaiDateField(label=_("Due date"))  # never mm/dd/yyyy, whatever the browser

    def __init__(self, *args: Any, owners_url: str = "", **kwargs: Any) -> None:
        """`owners_url`: where the page asks for the owner list of a newly chosen unit."""
        kwargs.setdefault("auto_id", "a-%s")
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["unit"].choices = [("", _("Choose a unit"))] + [
            (group, [(u.code, u.name) for u in units]) for group, units in units_grouped()
        ]
        if owners_url:
            fields["unit"].widget.attrs.update(
                {
                    "hx-get": owners_url,
                    "hx-trigger": "change",
                    "hx-target": "#a-owner-field",
                    "hx-swap": "outerHTML",
                }
            )
        code = self.data.get("unit") if self.is_bound else self.initial.get("unit")
        self.chosen_unit = Unit.objects.filter(code=code, active=True).first() if code else None
        self.owners = unit_owners(self.chosen_unit) if self.chosen_unit else []
        first = _("Choose the owner") if self.chosen_unit else _("Choose the unit first")
        fields["owner"].widget.choices = [("", first), *self.owners]
        # Without a unit there is no one to choose: a disabled list is not sent, so without
        # JavaScript the form comes back with the people of the unit chosen.
        fields["owner"].widget.attrs["disabled"] = self.chosen_unit is None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        owner = cleaned.get("owner")
        if self.chosen_unit is not None and owner:
            usernames = {username for group, people in self.owners for username, label in people}
            if owner not in usernames:
                self.add_error(
                    "owner",
                    _(
                        "%(name)s is not one of the staff of %(unit)s. Choose the owner from "
                        "the list of the unit's staff."
                    )
                    % {"name": owner, "unit": self.chosen_unit.name},
                )
        return cleaned
