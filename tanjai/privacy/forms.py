"""The data protection officer's form for a new request."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tanjai.core.forms import ThaiDateField
from tanjai.privacy.models import RequestKind
from tanjai.privacy.person import PersonKeys, phone_normalise

IDENTIFIERS = ["name", "phone", "email", "line_user_id", "messenger_id", "account_no"]
CORRECTIONS = ["new_name", "new_phone", "new_phone_alt", "new_email", "new_address"]


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the person asks"), choices=RequestKind.choices)
    received_on = ThaiDateField(label=_("Received on"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    line_user_id = forms.CharField(label=_("LINE user id"), max_length=64, required=False)
    messenger_id = forms.CharField(label=_("Messenger id"), max_length=64, required=False)
    account_no = forms.CharField(label=_("PWA account number"), max_length=30, required=False)
    new_name = forms.CharField(label=_("Corrected name"), max_length=200, required=False)
    new_phone = forms.CharField(label=_("Corrected phone"), max_length=30, required=False)
    new_phone_alt = forms.CharField(label=_("Corrected other phone"), max_length=30, required=False)
    new_email = forms.EmailField(label=_("Corrected e-mail"), max_length=254, required=False)
    new_address = forms.CharField(
        label=_("Corrected address"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note (how it arrived, its reference)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_new_phone(self) -> str:
        return self._phone("new_phone")

    def clean_new_phone_alt(self) -> str:
        return self._phone("new_phone_alt")

    def _phone(self, name: str) -> str:
        value = self.cleaned_data.get(name, "").strip()
        if value and not phone_normalise(value):
            raise forms.ValidationError(
                _("A Thai phone number has 9 or 10 digits starting with 0.")
            )
        return value

    def clean_received_on(self) -> Any:
        day = self.cleaned_data.get("received_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("It cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in IDENTIFIERS):
            raise forms.ValidationError(_("Give at least one way to find the person."))
        if data.get("kind") == RequestKind.RECTIFY and not any(
            data.get(name) for name in CORRECTIONS
        ):
            raise forms.ValidationError(_("Give at least one corrected value."))
        return data

    def request_fields(self) -> list[forms.BoundField]:
        return [self["kind"], self["received_on"]]

    def identifier_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in IDENTIFIERS]

    def correction_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CORRECTIONS]

    def keys(self) -> PersonKeys:
        return PersonKeys.of(**{name: self.cleaned_data.get(name, "") for name in IDENTIFIERS})

    def corrections(self) -> dict[str, str]:
        return {name[4:]: self.cleaned_data.get(name, "") for name in CORRECTIONS}

    def received_at(self) -> datetime:
        """Today: now. An earlier day: its start, so the deadline is never counted late."""
        day = self.cleaned_data["received_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.combine(day, time.min))
