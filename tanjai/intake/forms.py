"""The channel officer's entry form (step 1). It only gathers fields: complaint_register
validates them, as it does for every channel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tanjai.organisation.models import Branch
from tanjai.organisation.selectors import branches_in_thai_order
from tanjai.reference.models import Category, Channel, Subcategory

# Channels whose complaints staff type in; the others arrive by integration.
STAFF_CHANNELS = ("cc1662", "phone", "walk_in", "letter", "media", "gcc1111", "damrongtham")


def branches_by_thai_name() -> list[Branch]:
    """The active branches in the Thai order of their Thai names, whatever the language."""
    return branches_in_thai_order()


class SubcategorySelect(forms.Select):
    """The subcategories grouped by category, each option marked with its category's code:
    entry.js then lists only the chosen category's (without JavaScript, the groups show it
    and the form refuses a subcategory of another category)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category_of: dict[str, str] = {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        category = self.category_of.get(str(option["value"]))
        if category:
            option["attrs"]["data-category"] = category
        return option


def category_choices_fill(form: forms.Form, *, first: list[tuple[str, Any]]) -> None:
    """The category list, and the subcategories grouped under their categories."""
    fields: dict[str, Any] = form.fields
    categories = {c.pk: c for c in Category.objects.filter(active=True)}
    fields["category"].choices = first + [(c.code, c.name) for c in categories.values()]
    groups: dict[int, list[tuple[str, str]]] = {pk: [] for pk in categories}
    widget: SubcategorySelect = fields["subcategory"].widget
    for sub in Subcategory.objects.filter(active=True, category_id__in=list(categories)):
        groups[sub.category_id].append((sub.code, sub.name))
        widget.category_of[sub.code] = categories[sub.category_id].code
    fields["subcategory"].choices = [("", "-")] + [
        (categories[pk].name, options) for pk, options in groups.items() if options
    ]


def subcategory_check(form: forms.Form) -> None:
    """A subcategory must be one of the chosen category's: a clear refusal, in the words of
    the lists, rather than the register service's codes."""
    code, category = form.cleaned_data.get("subcategory"), form.cleaned_data.get("category")
    widget: SubcategorySelect = form.fields["subcategory"].widget
    if not code or not category or widget.category_of.get(code) == category:
        return
    form.add_error(
        "subcategory",
        _(
            "“%(subcategory)s” is not a kind of “%(category)s”. Choose one from the list for "
            "“%(category)s”, or leave it empty."
        )
        % {
            "subcategory": Subcategory.objects.get(code=code).name,
            "category": Category.objects.get(code=category).name,
        },
    )


class ComplaintEntryForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"))
    category = forms.ChoiceField(label=_("Category"))
    subcategory = forms.ChoiceField(
        label=_("Subcategory"), required=False, widget=SubcategorySelect
    )
    description = forms.CharField(
        label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 3})
    )
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    customer_name = forms.CharField(label=_("Customer name"), required=False)
    customer_phone = forms.CharField(label=_("Phone"), required=False)
    customer_account_no = forms.CharField(label=_("PWA account number"), required=False)
    anonymous = forms.BooleanField(label=_("The customer does not give a name"), required=False)
    address = forms.CharField(label=_("Address"), required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["channel"].choices = [
            (c.code, c.name) for c in Channel.objects.filter(active=True, code__in=STAFF_CHANNELS)
        ]
        category_choices_fill(self, first=[])
        fields["branch"].choices = [("", _("From the map pin, or my branch"))] + [
            (b.code, b.name) for b in branches_by_thai_name()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        subcategory_check(self)
        return data

    def register_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {
            "channel": d["channel"],
            "category": d["category"],
            "description": d["description"],
            "anonymous": d["anonymous"],
        }
        if d.get("subcategory"):
            data["subcategory"] = d["subcategory"]
        if d.get("branch"):
            data["branch"] = d["branch"]
        customer = {
            "name": d.get("customer_name", ""),
            "phone": d.get("customer_phone", ""),
            "account_no": d.get("customer_account_no", ""),
        }
        if any(customer.values()):
            data["customer"] = customer
        location = {"address": d.get("address", "")}
        if d.get("lat") is not None and d.get("lon") is not None:
            location.update(lat=d["lat"], lon=d["lon"])
        if any(v not in ("", None) for v in location.values()):
            data["location"] = location
        return data
