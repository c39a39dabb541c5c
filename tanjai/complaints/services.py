"""The one door for every change of a complaint's state: complaint_act.

It locks the row, checks the state, the actor's role and scope, runs the action's handler,
tells the listeners what is being done (the SLA clock, dispatch: tanjai.complaints.signals),
writes the new state, appends the event, stores the files given with the action, and tells
the listeners it is done (notifications, reports), all in one transaction: a refused or
failed action leaves nothing half-written. The door knows nothing of its listeners; each
connects itself in its own app's ready().

Two more entrances of the same door, for the changes that are not a staff member's workflow
action: a file added to a complaint (attachment_add, in attachments.py, which locks the row
the same way) and the customer's satisfaction answer (satisfaction_record).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError

from tanjai.accounts.scope import Actor
from tanjai.complaints.attachments import Upload, attachment_store, attachments_check
from tanjai.complaints.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAllowedInState,
    NotFound,
)
from tanjai.complaints.eventlog import event_append
from tanjai.complaints.handlers import HANDLERS, Outcome
from tanjai.complaints.inputs import ACTION_INPUTS, ActionInput
from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.selectors import complaint_visible
from tanjai.complaints.signals import Change, action_applying, action_done, holds_own_work
from tanjai.complaints.workflow import ACTIONS, Action, ActionCode, State
from tanjai.core.tracking import TrackingNumberError, tracking_normalise

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# Pydantic's messages for the common mistakes, in the user's language; the rest (our own
# validators' words among them) as pydantic words them.
_PYDANTIC_MESSAGES: dict[str, StrOrPromise] = {
    "missing": gettext_lazy("This field is required."),
    "string_too_short": gettext_lazy("This field is required."),
    "string_too_long": gettext_lazy("Too long."),
    "too_short": gettext_lazy("Choose at least one."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "greater_than_equal": gettext_lazy("The number is too small."),
    "less_than_equal": gettext_lazy("The number is too large."),
    "datetime_parsing": gettext_lazy("Enter a date and time."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time."),
    "datetime_type": gettext_lazy("Enter a date and time."),
    "timezone_aware": gettext_lazy("Enter a date and time."),
    "literal_error": gettext_lazy("Choose one of the options."),
    "enum": gettext_lazy("Choose one of the options."),
    "bool_parsing": gettext_lazy("Yes or no."),
}


def pydantic_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "__all__"
        known = _PYDANTIC_MESSAGES.get(err["type"])
        message = str(known) if known else err["msg"].removeprefix("Value error, ")
        errors.setdefault(field, []).append(message)
    return errors


def action_input_parse(action: str, data: dict[str, Any] | None) -> ActionInput:
    try:
        return ACTION_INPUTS[action].model_validate(data or {})
    except ValidationError as exc:
        raise InvalidInput(
            _("Some fields of “%(action)s” are not valid.") % {"action": ACTIONS[action].label},
            errors=pydantic_errors(exc),
        ) from None


__all__ = ["complaint_act", "event_append", "satisfaction_record"]


def complaint_lookup(tracking_no: str) -> str:
    try:
        return tracking_normalise(tracking_no)
    except TrackingNumberError as exc:
        raise NotFound(str(exc)) from None


def _authorise(actor: Actor, action: Action, complaint: Complaint) -> None:
    if actor.has_any(action.roles) and actor.covers(
        region_id=complaint.region_id, branch_id=complaint.branch_id
    ):
        return
    if actor.roles & action.own_work_order_roles:
        if holds_own_work(complaint_id=complaint.pk, user_id=actor.user_id):
            return
        raise Forbidden(
            _("“%(action)s” is for the technician with an open work order on this complaint.")
            % {"action": action.label}
        )
    raise Forbidden(
        _("Your role or scope does not allow “%(action)s” on this complaint.")
        % {"action": action.label}
    )


def action_permitted(*, actor: Actor, action: str, complaint: Complaint) -> bool:
    """Whether the actor may take the action on this complaint now (its state allowing)."""
    definition = ACTIONS[action]
    if complaint.status not in definition.from_states:
        return False
    try:
        _authorise(actor, definition, complaint)
    except Forbidden:
        return False
    return True


def complaint_act(
    *,
    tracking_no: str,
    actor: Actor,
    action: str,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
    uploads: Sequence[Upload] = (),
) -> Complaint:
    """Take one workflow action on a complaint. Raises a WorkflowError subclass on refusal.

    `uploads` (file, kind) are stored with the action, in its transaction, each leaving its
    own event after the action's: a refused action keeps none of them, and a refused file
    (checked before anything is written) refuses the action."""
    definition = ACTIONS.get(action)
    if definition is None:
        raise InvalidInput(
            _("Unknown action %(action)s; one of: %(actions)s.")
            % {"action": repr(action), "actions": ", ".join(ACTIONS)}
        )
    number = complaint_lookup(tracking_no)
    now = now or timezone.now()
    for upload, kind in uploads:
        attachments_check([upload], kind=kind)
    with transaction.atomic():
        # Lock the row alone: with a join, PostgreSQL re-checks the join against the row
        # another transaction just committed (a forward to another branch changes
        # branch_id) and would answer "no such row" instead of the new version.
        complaint = Complaint.objects.select_for_update().filter(tracking_no=number).first()
        if complaint is None or not complaint_visible(actor=actor, complaint=complaint):
            raise NotFound(_("No complaint %(number)s.") % {"number": number})
        _authorise(actor, definition, complaint)
        if expected_version is not None and expected_version != complaint.version:
            raise Conflict(
                _(
                    "Complaint %(number)s changed since you loaded it: it is now “%(state)s”. "
                    "Check it as it is now and try again."
                )
                % {"number": number, "state": complaint.get_status_display()}
            )
        if complaint.status not in definition.from_states:
            allowed = ", ".join(str(State(s).label) for s in sorted(definition.from_states))
            raise NotAllowedInState(
                _(
                    "“%(action)s” cannot be done on a complaint that is “%(state)s” "
                    "(%(code)s); it is possible only when: %(allowed)s."
                )
                % {
                    "action": definition.label,
                    "state": complaint.get_status_display(),
                    "code": complaint.status,
                    "allowed": allowed,
                }
            )
        # Fields are checked after the state: "cannot verify a received complaint" helps
        # more than a list of missing fields.
        inputs = action_input_parse(action, data)
        change = Change(
            complaint=complaint,
            actor=actor,
            action=action,
            now=now,
            inputs=inputs,
            from_state=complaint.status,
            from_branch_id=complaint.branch_id,
        )
        outcome: Outcome = HANDLERS[action](
            complaint=complaint, actor=actor, inputs=inputs, now=now
        )
        change.data.update(outcome.data)
        if definition.to_state is not None:
            complaint.status = definition.to_state
        complaint.version += 1
        action_applying.send(sender=Complaint, change=change)
        complaint.save()
        event = event_append(
            complaint=complaint,
            actor=actor,
            action=action,
            from_state=change.from_state,
            to_state=complaint.status,
            note=outcome.note,
            data=change.data,
            at=now,
        )
        action_done.send(sender=Complaint, change=change, event=event)
        for follow_up in outcome.after:
            follow_up(event)
        for upload, kind in uploads:
            attachment_store(complaint=complaint, actor=actor, upload=upload, kind=kind, now=now)
    return complaint


def complaint_register_event(
    *, complaint: Complaint, actor: Actor | None, data: dict[str, Any]
) -> Event:
    """The first event of every complaint (step 1); the customer is told its number."""
    event = event_append(
        complaint=complaint,
        actor=actor,
        action=ActionCode.REGISTER,
        to_state=State.RECEIVED,
        data=data,
        at=complaint.received_at,
    )
    change = Change(
        complaint=complaint,
        actor=actor,
        action=ActionCode.REGISTER,
        now=complaint.received_at,
        from_branch_id=complaint.branch_id,
        data=data,
    )
    action_done.send(sender=Complaint, change=change, event=event)
    return event


def satisfaction_record(
    *, complaint: Complaint, score: int, comment: str, channel: str, now: datetime
) -> Event:
    """The customer's answer to the survey (step 6), from the web page or a chat's quick
    reply: the score counts like one asked on the telephone at closing, unless one was
    given then; the answer is an event, and the listeners hear of it (a low score alerts
    the branch). The caller keeps one answer per complaint.

    The complaint's version stays: staff looking at it act on the same workflow state."""
    if not 1 <= score <= 5:
        raise ValueError("a score is 1 to 5")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.satisfaction is None:
            locked.satisfaction = score
            locked.save(update_fields=["satisfaction"])
        complaint.satisfaction = locked.satisfaction
        data = {"score": score, "channel": channel}
        event = event_append(
            complaint=locked,
            actor=None,
            action=ActionCode.SURVEY_ANSWERED,
            note=comment,
            data=data,
            at=now,
        )
        change = Change(
            complaint=locked,
            actor=None,
            action=ActionCode.SURVEY_ANSWERED,
            now=now,
            from_state=locked.status,
            from_branch_id=locked.branch_id,
            data=data,
        )
        action_done.send(sender=Complaint, change=change, event=event)
    return event


def action_permitted_any(*, actor: Actor, complaint: Complaint) -> bool:
    """Whether the actor handles the complaint's customer, whatever its state: a role that
    informs the customer, within the scope of the complaint's branch (its centre). They send
    a failed notice again and give the customer the survey link."""
    return actor.has_any(ACTIONS[ActionCode.INFORM_CUSTOMER].roles) and actor.covers(
        region_id=complaint.region_id, branch_id=complaint.branch_id
    )
