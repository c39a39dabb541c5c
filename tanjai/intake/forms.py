"""The channel officer's entry form (step 1). It only gathers fields: complaint_register
validates them, as it does for every channel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tanjai.organisation.models import Branch
from tanjai.reference.models import Category, Channel, Subcategory

# Channels whose complaints staff type in; the others arrive by integration.
STAFF_CHANNELS = ("cc1662", "phone", "walk_in", "letter", "media", "gcc1111", "damrongtham")


class ComplaintEntryForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"))
    category = forms.ChoiceField(label=_("Category"))
    subcategory = forms.ChoiceField(label=_("Subcategory"), required=False)
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
        fields["category"].choices = [
            (c.code, c.name) for c in Category.objects.filter(active=True)
        ]
        fields["subcategory"].choices = [("", "-")] + [
            (s.code, f"{s.category.name}: {s.name}")
            for s in Subcategory.objects.filter(active=True).select_related("category")
        ]
        fields["branch"].choices = [("", _("From the map pin, or my branch"))] + [
            (b.code, b.name) for b in Branch.objects.filter(active=True)
        ]

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
