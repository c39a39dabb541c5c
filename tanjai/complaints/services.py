"""The one door for every change of a complaint's state: complaint_act.

It locks the row, checks the state, the actor's role and scope, runs the action's handler,
writes the new state, appends the event, recomputes the SLA and queues notifications on
commit, all in one transaction: a refused or failed action leaves nothing half-written.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError

from tanjai.accounts.scope import Actor
from tanjai.complaints.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAllowedInState,
    NotFound,
)
from tanjai.complaints.handlers import HANDLERS, Outcome
from tanjai.complaints.inputs import ACTION_INPUTS, ActionInput
from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.selectors import complaint_visible
from tanjai.complaints.workflow import ACTIONS, Action, State
from tanjai.core.tracking import TrackingNumberError, tracking_normalise
from tanjai.sla.services import sla_recompute

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


def event_append(
    *,
    complaint: Complaint,
    actor: Actor | None,
    action: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    from tanjai.reports.services import reports_mark

    # The reports' summary of the complaint's branch-month is recomputed from it.
    reports_mark(complaint)
    return Event.objects.create(
        complaint=complaint,
        at=at or timezone.now(),
        actor_id=actor.user_id if actor else None,
        actor_label=actor.username if actor else "system",
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


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
        from tanjai.dispatch.selectors import work_order_open_for

        if work_order_open_for(complaint_id=complaint.pk, user_id=actor.user_id) is not None:
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
) -> Complaint:
    """Take one workflow action on a complaint. Raises a WorkflowError subclass on refusal."""
    definition = ACTIONS.get(action)
    if definition is None:
        raise InvalidInput(
            _("Unknown action %(action)s; one of: %(actions)s.")
            % {"action": repr(action), "actions": ", ".join(ACTIONS)}
        )
    number = complaint_lookup(tracking_no)
    now = now or timezone.now()
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
        from_state, from_branch = complaint.status, complaint.branch_id
        outcome: Outcome = HANDLERS[action](
            complaint=complaint, actor=actor, inputs=inputs, now=now
        )
        if definition.to_state is not None:
            complaint.status = definition.to_state
        complaint.version += 1
        sla_recompute(complaint, now=now)
        complaint.save()
        event = event_append(
            complaint=complaint,
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=complaint.status,
            note=outcome.note,
            data=outcome.data,
            at=now,
        )
        if complaint.branch_id != from_branch:
            from tanjai.reports.services import reports_mark

            reports_mark(complaint, also_branch_id=from_branch)
        from tanjai.notifications.services import event_notify

        event_notify(complaint=complaint, event=event)
        for follow_up in outcome.after:
            follow_up(event)
    return complaint


def complaint_register_event(
    *, complaint: Complaint, actor: Actor | None, data: dict[str, Any]
) -> Event:
    """The first event of every complaint (step 1); the customer is told its number."""
    from tanjai.notifications.services import event_notify

    event = event_append(
        complaint=complaint,
        actor=actor,
        action="register",
        to_state=State.RECEIVED,
        data=data,
        at=complaint.received_at,
    )
    event_notify(complaint=complaint, event=event)
    return event
