"""The public complaint form: what a citizen fills in on a phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from tanjai.core.text import thai_sort_key
from tanjai.intake.forms import (
    SubcategorySelect,
    branches_by_thai_name,
    category_choices_fill,
    subcategory_check,
)
from tanjai.organisation.models import Branch

# A real person takes a few seconds to fill the form; a script posts at once.
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 6 * 60 * 60
_SALT = "tanjai.portal.form"


def form_stamp() -> str:
    """A signed note of when the form was served (checked on submission)."""
    return signing.TimestampSigner(salt=_SALT).sign("portal")


def form_stamp_age(stamp: str) -> float | None:
    """Seconds since the form was served, or None when the stamp is forged or too old."""
    import time

    signer = signing.TimestampSigner(salt=_SALT)
    try:
        signer.unsign(stamp, max_age=MAX_FORM_AGE_SECONDS)
        return time.time() - signing.b62_decode(stamp.rsplit(":", 2)[1])
    except (signing.BadSignature, ValueError, IndexError):
        return None


class PortalComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("What is the problem about?"))
    subcategory = forms.ChoiceField(
        label=_("More precisely (optional)"), required=False, widget=SubcategorySelect
    )
    description = forms.CharField(
        label=_("Tell us what is wrong"),
        min_length=10,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    address = forms.CharField(
        label=_("Where (house number, road, sub-district)"), required=False, max_length=500
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    branch = forms.ChoiceField(label=_("PWA branch (if you know it)"), required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=20)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    account_no = forms.CharField(
        label=_("PWA account number (on your water bill, optional)"),
        required=False,
        max_length=20,
    )
    anonymous = forms.BooleanField(
        label=_("I do not want to give my name or contact details"), required=False
    )
    # Left empty by people; filled by the bots that fill every field.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput)
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        category_choices_fill(self, first=[("", _("Choose…"))])
        provinces = (
            Branch.objects.filter(active=True)
            .exclude(province_th="")
            .order_by()  # no ordering columns in the SELECT DISTINCT
            .values_list("province_th", flat=True)
            .distinct()
        )
        fields["province"].choices = [("", "-")] + [
            (p, p) for p in sorted(provinces, key=thai_sort_key)
        ]
        fields["branch"].choices = [("", _("I do not know: find it from the map or province"))] + [
            (b.code, b.name) for b in branches_by_thai_name()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        subcategory_check(self)
        if data.get("website"):
            raise forms.ValidationError(_("The form could not be accepted."), code="bot")
        age = form_stamp_age(data.get("stamp", ""))
        if age is None:
            raise forms.ValidationError(
                _("The form is too old. Please check it and send it again."), code="stale"
            )
        if age < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("That was very fast. Please check the form and send it again."), code="fast"
            )
        if data.get("anonymous"):
            for name in ("name", "phone", "email", "account_no"):
                data[name] = ""
        elif not data.get("phone") and not data.get("email"):
            self.add_error(
                "phone",
                _(
                    "Give a phone number or an e-mail address so we can tell you what we do, "
                    "or tick that you do not want to give them."
                ),
            )
        has_pin = data.get("lat") is not None and data.get("lon") is not None
        if not (has_pin or data.get("branch") or data.get("province")):
            self.add_error(
                "province",
                _("Pin the place on the map, or give the province or the branch."),
            )
        return data
