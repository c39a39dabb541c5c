"""A new complaint, as every channel hands it in (step 1)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from pydantic import Field, StringConstraints, field_validator, model_validator

from tanjai.core.inputs import TextInput
from tanjai.core.text import THAI_DIGITS, text_normalise

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
# As long as the complaint's columns (a longer one would fail in the database).
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


def phone_normalise(value: str) -> str:
    """Thai numbers as 0XXXXXXXX(X); +66 and separators accepted."""
    digits = re.sub(r"\D", "", value.translate(THAI_DIGITS))
    if digits.startswith("66") and len(digits) in (11, 10):
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0\d{8,9}", digits):
        raise ValueError(_("A Thai phone number has 9 or 10 digits starting with 0 (or +66)."))
    return digits


class CustomerInput(TextInput):
    name: Short = ""
    phone: Short = ""
    alt_phone: Short = ""
    email: Short = ""
    line_user_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    messenger_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    account_no: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""

    @field_validator("phone", "alt_phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return phone_normalise(value) if value else ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError(_("Not a valid e-mail address.")) from None
        return value.lower()

    @field_validator("account_no")
    @classmethod
    def _account(cls, value: str) -> str:
        digits = re.sub(r"[\s-]", "", value.translate(THAI_DIGITS))
        if digits and not digits.isdigit():
            raise ValueError(_("A PWA account number has digits only."))
        return digits

    def is_empty(self) -> bool:
        return not any(
            (
                self.name,
                self.phone,
                self.alt_phone,
                self.email,
                self.line_user_id,
                self.messenger_id,
                self.account_no,
            )
        )


class LocationInput(TextInput):
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    province: Place = ""
    district: Place = ""
    lat: float | None = Field(
        None, ge=5.0, le=21.0, description="WGS84; Thailand lies within 5-21 N"
    )
    lon: float | None = Field(
        None, ge=97.0, le=106.0, description="WGS84; Thailand lies within 97-106 E"
    )

    @model_validator(mode="after")
    def _pair(self) -> LocationInput:
        if (self.lat is None) != (self.lon is None):
            raise ValueError(_("Give both latitude and longitude, or neither."))
        return self


class RegisterInput(TextInput):
    channel: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    category: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    subcategory: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = (
        None
    )
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)
    ]
    branch: Annotated[str, StringConstraints(strip_whitespace=True, max_length=24)] | None = None
    customer: CustomerInput | None = None
    location: LocationInput | None = None
    anonymous: bool = False
    priority: int = Field(2, ge=1, le=4)
    received_at: datetime | None = Field(
        None, description="When the channel received it (a letter, an imported case); default now"
    )
    external_ref: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        value = text_normalise(value)
        if not value:
            raise ValueError(_("The description is empty."))
        return value

    @model_validator(mode="after")
    def _anonymous(self) -> RegisterInput:
        if self.anonymous and self.customer and not self.customer.is_empty():
            raise ValueError(_("An anonymous complaint carries no customer details."))
        if self.received_at is not None and self.received_at.tzinfo is None:
            raise ValueError(_("received_at must include a time zone."))
        return self
