"""What each workflow action takes, validated the same way for the API, the staff UI,
the channel integrations and the importers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from pydantic import Field, StringConstraints, model_validator

from tanjai.complaints.workflow import ActionCode
from tanjai.core.inputs import TextInput

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Required = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


ContactMethod = Literal["phone", "sms", "line", "email", "letter", "in_person"]


class ActionInput(TextInput):
    """The fields of one workflow action."""


class ForwardInput(ActionInput):
    unit: Code | None = Field(None, description="Unit code; default: the branch's centre")
    note: Text = Field("", description="The channel officer's analysis")


class DispatchInput(ActionInput):
    assignees: list[Code] = Field(..., min_length=1, description="Usernames of the technicians")
    team_type: Literal["mr_prapa", "service_team"]
    note: Text = ""


class InformCustomerInput(ActionInput):
    plan: Required
    promised_at: datetime
    contact_method: ContactMethod
    late_reason: Text = Field(
        "", description="Required when promised_at is after the resolve deadline"
    )

    @model_validator(mode="after")
    def _aware(self) -> InformCustomerInput:
        if self.promised_at.tzinfo is None:
            raise ValueError(
                _("promised_at must include a time zone, e.g. 2026-11-25T16:00:00+07:00.")
            )
        return self


class ReasonInput(ActionInput):
    reason: Required


class NoteInput(ActionInput):
    note: Text = ""


class ReportFixedInput(ActionInput):
    result: Required


class CloseInput(ActionInput):
    customer_reached: bool
    satisfaction: int | None = Field(None, ge=1, le=5)
    comment: Text = ""

    @model_validator(mode="after")
    def _score_needs_customer(self) -> CloseInput:
        if not self.customer_reached and self.satisfaction is not None:
            raise ValueError(_("A satisfaction score needs a customer who was reached."))
        return self


class RecategoriseInput(ActionInput):
    category: Code
    subcategory: Code | None = None
    note: Text = ""


class MarkDuplicateInput(ActionInput):
    of: Code = Field(..., description="Tracking number of the master complaint")


class ContactLogInput(ActionInput):
    """A call (or message) to the customer, reached or not, and what was said."""

    contact_method: ContactMethod = "phone"
    customer_reached: bool
    note: Required


class TransferOutInput(ActionInput):
    agency: Required
    reason: Required


ACTION_INPUTS: dict[str, type[ActionInput]] = {
    ActionCode.FORWARD: ForwardInput,
    ActionCode.DISPATCH: DispatchInput,
    ActionCode.INFORM_CUSTOMER: InformCustomerInput,
    ActionCode.AWAIT_CUSTOMER: ReasonInput,
    ActionCode.RESUME: NoteInput,
    ActionCode.REPORT_FIXED: ReportFixedInput,
    ActionCode.VERIFY: NoteInput,
    ActionCode.REJECT_FIX: ReasonInput,
    ActionCode.CLOSE: CloseInput,
    ActionCode.REOPEN: ReasonInput,
    ActionCode.RECATEGORISE: RecategoriseInput,
    ActionCode.MARK_DUPLICATE: MarkDuplicateInput,
    ActionCode.MARK_NOT_RELEVANT: ReasonInput,
    ActionCode.TRANSFER_OUT: TransferOutInput,
    ActionCode.CONTACT_LOG: ContactLogInput,
}
