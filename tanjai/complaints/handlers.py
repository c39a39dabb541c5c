"""What each workflow action does to a complaint, once complaint_act has allowed it.

Handlers only change the (locked) complaint and rows that belong to it; complaint_act
saves, writes the event and recomputes the SLA.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tanjai.accounts.scope import Actor
from tanjai.complaints import inputs as i
from tanjai.complaints.errors import InvalidInput
from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.selectors import complaint_visible
from tanjai.complaints.workflow import ActionCode, State
from tanjai.core.dates import format_date
from tanjai.core.tracking import TrackingNumberError, tracking_normalise
from tanjai.organisation.models import Unit, UnitKind
from tanjai.reference.models import Category, Subcategory


@dataclass
class Outcome:
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    # Run after the event is written, inside the same transaction.
    after: list[Callable[[Event], None]] = field(default_factory=list)


class Handler(Protocol):
    def __call__(
        self, *, complaint: Complaint, actor: Actor, inputs: Any, now: datetime
    ) -> Outcome: ...


def forward(
    *, complaint: Complaint, actor: Actor, inputs: i.ForwardInput, now: datetime
) -> Outcome:

    if inputs.unit:
        unit = Unit.objects.filter(code=inputs.unit, active=True).select_related("branch").first()
        if unit is None:
            raise InvalidInput(
                _("No such unit."),
                errors={"unit": [_("No active unit %(code)s.") % {"code": repr(inputs.unit)}]},
            )
    else:
        unit = Unit.objects.filter(branch_id=complaint.branch_id, kind=UnitKind.CENTRE).first()
        if unit is None:
            raise InvalidInput(
                _("Branch %(code)s has no Prapa Tanjai centre.") % {"code": complaint.branch.code}
            )
    data: dict[str, Any] = {"unit": unit.code}
    if unit.kind == UnitKind.CENTRE and unit.branch_id != complaint.branch_id:
        # Forwarded to another branch's centre: the complaint now belongs to that branch.
        data["branch_from"] = complaint.branch.code
        complaint.branch = unit.branch  # type: ignore[assignment]
        complaint.region_id = unit.branch.region_id  # type: ignore[union-attr]
        data["branch_to"] = complaint.branch.code
    complaint.unit = unit
    complaint.forwarded_at = now
    return Outcome(note=inputs.note, data=data)


def dispatch(
    *, complaint: Complaint, actor: Actor, inputs: i.DispatchInput, now: datetime
) -> Outcome:
    # The work order itself is dispatch's (it listens), which adds its number to the event.
    complaint.dispatched_at = now
    return Outcome(
        note=inputs.note,
        data={"team_type": inputs.team_type, "assignees": inputs.assignees},
    )


def inform_customer(
    *, complaint: Complaint, actor: Actor, inputs: i.InformCustomerInput, now: datetime
) -> Outcome:
    if inputs.promised_at <= now:
        raise InvalidInput(
            _("The promised time has already passed."),
            errors={"promised_at": [_("It must be in the future.")]},
        )
    deadline = complaint.resolve_due_at
    late = deadline is not None and inputs.promised_at > deadline
    if deadline is not None and late and not inputs.late_reason:
        # The rule is the SLA's; a later date is allowed when the reason is recorded (a
        # part to order, the customer's own choice), so the refusal says how to get past it.
        due = {"deadline": format_date(deadline, language=get_language() or "th")}
        raise InvalidInput(
            _("The promised date is after the SLA resolve deadline (%(deadline)s).") % due,
            errors={
                "promised_at": [
                    _(
                        "The promised date must not be later than the SLA resolve deadline "
                        "(%(deadline)s, Bangkok time), unless you give the reason for a later "
                        "date."
                    )
                    % due
                ],
                "late_reason": [
                    _("Give a reason to promise later than the deadline %(deadline)s.") % due
                ],
            },
        )
    # The first contact is what meets the 24-hour target; later ones update the plan.
    complaint.informed_at = complaint.informed_at or now
    complaint.promised_at = inputs.promised_at
    return Outcome(
        note=inputs.plan,
        data={
            "plan": inputs.plan,
            "promised_at": inputs.promised_at.isoformat(),
            "contact_method": inputs.contact_method,
            "late_reason": inputs.late_reason,
            "promised_after_deadline": late,
        },
    )


def await_customer(
    *, complaint: Complaint, actor: Actor, inputs: i.ReasonInput, now: datetime
) -> Outcome:
    # The resolve clock pauses (the SLA listens).
    return Outcome(note=inputs.reason)


def resume(*, complaint: Complaint, actor: Actor, inputs: i.NoteInput, now: datetime) -> Outcome:
    # The resolve clock runs again (the SLA listens).
    return Outcome(note=inputs.note)


def report_fixed(
    *, complaint: Complaint, actor: Actor, inputs: i.ReportFixedInput, now: datetime
) -> Outcome:
    # The open work orders are completed by dispatch (it listens).
    complaint.fixed_at = now
    return Outcome(note=inputs.result)


def verify(*, complaint: Complaint, actor: Actor, inputs: i.NoteInput, now: datetime) -> Outcome:
    complaint.verified_at = now
    return Outcome(note=inputs.note)


def reject_fix(
    *, complaint: Complaint, actor: Actor, inputs: i.ReasonInput, now: datetime
) -> Outcome:
    complaint.fixed_at = None
    complaint.verified_at = None
    # The same team goes back (dispatch listens).
    return Outcome(note=inputs.reason)


def close(*, complaint: Complaint, actor: Actor, inputs: i.CloseInput, now: datetime) -> Outcome:
    complaint.closed_at = now
    complaint.ended_at = now
    if inputs.customer_reached:
        # Telling the customer the result is also telling them what was done (step 4).
        complaint.informed_at = complaint.informed_at or now
    complaint.customer_reached = inputs.customer_reached
    complaint.satisfaction = inputs.satisfaction
    return Outcome(
        note=inputs.comment,
        data={"customer_reached": inputs.customer_reached, "satisfaction": inputs.satisfaction},
    )


def reopen(*, complaint: Complaint, actor: Actor, inputs: i.ReasonInput, now: datetime) -> Outcome:
    complaint.reopen_count += 1
    complaint.fixed_at = complaint.verified_at = complaint.closed_at = complaint.ended_at = None
    complaint.satisfaction = None
    complaint.customer_reached = None
    # A new cycle needs a new promise; the 24-hour inform target stays met from the first.
    complaint.promised_at = None
    # A new resolve cycle (the SLA listens) and the same team again (dispatch listens).
    return Outcome(note=inputs.reason, data={"reopen_count": complaint.reopen_count})


def recategorise(
    *, complaint: Complaint, actor: Actor, inputs: i.RecategoriseInput, now: datetime
) -> Outcome:

    category = Category.objects.filter(code=inputs.category, active=True).first()
    if category is None:
        raise InvalidInput(
            _("No such category."),
            errors={"category": [_("No category %(code)s.") % {"code": repr(inputs.category)}]},
        )
    subcategory = None
    if inputs.subcategory:
        subcategory = Subcategory.objects.filter(
            code=inputs.subcategory, category=category, active=True
        ).first()
        if subcategory is None:
            raise InvalidInput(
                _("No such subcategory."),
                errors={
                    "subcategory": [
                        _("%(sub)s is not a subcategory of %(category)s.")
                        % {"sub": repr(inputs.subcategory), "category": category.code}
                    ]
                },
            )
    data = {
        "from": {
            "category": complaint.category.code,
            "subcategory": getattr(complaint.subcategory, "code", None),
        },
        "to": {"category": category.code, "subcategory": getattr(subcategory, "code", None)},
    }
    complaint.category = category
    complaint.subcategory = subcategory
    return Outcome(note=inputs.note, data=data)


def _end(complaint: Complaint, now: datetime) -> None:
    # Open work orders are cancelled by dispatch (it listens).
    complaint.ended_at = now


def mark_duplicate(
    *, complaint: Complaint, actor: Actor, inputs: i.MarkDuplicateInput, now: datetime
) -> Outcome:

    try:
        number = tracking_normalise(inputs.of)
    except TrackingNumberError as exc:
        raise InvalidInput(
            _("The main complaint's number is not valid."), errors={"of": [str(exc)]}
        ) from None
    master = Complaint.objects.filter(tracking_no=number).first()
    if master is None or not complaint_visible(actor=actor, complaint=master):
        raise InvalidInput(
            _("No such main complaint."),
            errors={"of": [_("No complaint %(number)s.") % {"number": number}]},
        )
    # Follow a chain to its head so that duplicates never point at duplicates.
    while master.status == State.DUPLICATE and master.duplicate_of_id:
        head = Complaint.objects.get(pk=master.duplicate_of_id)
        if not complaint_visible(actor=actor, complaint=head):
            break
        master = head
    if master.pk == complaint.pk:
        raise InvalidInput(
            _("A complaint cannot duplicate itself."),
            errors={"of": [_("That is this complaint.")]},
        )
    complaint.duplicate_of = master
    _end(complaint, now)
    return Outcome(data={"of": master.tracking_no})


def mark_not_relevant(
    *, complaint: Complaint, actor: Actor, inputs: i.ReasonInput, now: datetime
) -> Outcome:
    _end(complaint, now)
    return Outcome(note=inputs.reason)


def transfer_out(
    *, complaint: Complaint, actor: Actor, inputs: i.TransferOutInput, now: datetime
) -> Outcome:
    _end(complaint, now)
    return Outcome(note=inputs.reason, data={"agency": inputs.agency})


def contact_log(
    *, complaint: Complaint, actor: Actor, inputs: i.ContactLogInput, now: datetime
) -> Outcome:
    return Outcome(
        note=inputs.note,
        data={"contact_method": inputs.contact_method, "customer_reached": inputs.customer_reached},
    )


HANDLERS: dict[str, Handler] = {
    ActionCode.FORWARD: forward,
    ActionCode.DISPATCH: dispatch,
    ActionCode.INFORM_CUSTOMER: inform_customer,
    ActionCode.AWAIT_CUSTOMER: await_customer,
    ActionCode.RESUME: resume,
    ActionCode.REPORT_FIXED: report_fixed,
    ActionCode.VERIFY: verify,
    ActionCode.REJECT_FIX: reject_fix,
    ActionCode.CLOSE: close,
    ActionCode.REOPEN: reopen,
    ActionCode.RECATEGORISE: recategorise,
    ActionCode.MARK_DUPLICATE: mark_duplicate,
    ActionCode.MARK_NOT_RELEVANT: mark_not_relevant,
    ActionCode.TRANSFER_OUT: transfer_out,
    ActionCode.CONTACT_LOG: contact_log,
}
