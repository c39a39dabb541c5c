"""The complaint process as data: its states, its actions, and who may take each.

This is the one place that says what may happen to a complaint. The service
tanjai.complaints.services.complaint_act is the one door through which it happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.roles import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class State(models.TextChoices):
    RECEIVED = "received", _("received")  # step 1
    FORWARDED = "forwarded", _("forwarded to the centre")  # step 2
    IN_PROGRESS = "in_progress", _("in progress")  # step 3
    AWAITING_CUSTOMER = "awaiting_customer", _("waiting for the customer")  # resolve clock paused
    FIXED = "fixed", _("fixed, to verify")  # step 5 pending
    VERIFIED = "verified", _("verified, to close")  # step 6 pending
    CLOSED = "closed", _("closed")
    DUPLICATE = "duplicate", _("duplicate")
    NOT_RELEVANT = "not_relevant", _("not relevant")
    TRANSFERRED = "transferred", _("transferred out")


OPEN_STATES = frozenset(
    {
        State.RECEIVED,
        State.FORWARDED,
        State.IN_PROGRESS,
        State.AWAITING_CUSTOMER,
        State.FIXED,
        State.VERIFIED,
    }
)
ENDED_STATES = frozenset({State.CLOSED, State.DUPLICATE, State.NOT_RELEVANT, State.TRANSFERRED})
# States in which the resolve clock does not run.
PAUSED_STATES = frozenset({State.AWAITING_CUSTOMER})

_INTAKE = frozenset({Role.CHANNEL_OFFICER, Role.CENTRE_STAFF, Role.BRANCH_MANAGER})
_CENTRE = frozenset({Role.CENTRE_STAFF, Role.BRANCH_MANAGER})


class ActionCode(models.TextChoices):
    """Every code of the event log: the workflow's actions (the staff name them by these
    labels, on their buttons and in the timeline) and the events that happen beside the
    workflow. A code is stored in Event.action and sent in the API as its string."""

    # The workflow's actions, taken through complaint_act.
    FORWARD = "forward", _("Forward to the responsible unit")
    DISPATCH = "dispatch", _("Dispatch Mr. Prapa or a service team")
    INFORM_CUSTOMER = "inform_customer", _("Inform the customer of the plan")
    AWAIT_CUSTOMER = "await_customer", _("Wait for the customer")
    RESUME = "resume", _("Resume work")
    REPORT_FIXED = "report_fixed", _("Report the fix")
    VERIFY = "verify", _("Verify the fix")
    REJECT_FIX = "reject_fix", _("Send the fix back")
    CLOSE = "close", _("Close with the customer")
    REOPEN = "reopen", _("Reopen")
    RECATEGORISE = "recategorise", _("Change the category")
    MARK_DUPLICATE = "mark_duplicate", _("Mark as a duplicate")
    MARK_NOT_RELEVANT = "mark_not_relevant", _("Mark as not relevant")
    TRANSFER_OUT = "transfer_out", _("Transfer to an outside agency")
    CONTACT_LOG = "contact_log", _("Log a contact with the customer")
    # Events beside the workflow.
    REGISTER = "register", _("Registered")  # step 1, through the intake service
    ATTACH = "attach", _("File attached")
    CUSTOMER_MESSAGE = "customer_message", _("Message from the customer")
    SLA_ESCALATED = "sla_escalated", _("SLA escalation")
    SURVEY_ANSWERED = "survey_answered", _("Satisfaction survey answered")

    @property
    def public_label(self) -> StrOrPromise | None:
        """What a citizen reads of this step on the portal; None: not shown to them."""
        return PUBLIC_LABELS[self]


# What a citizen reads of each step: progress, never staff names or internal notes. Every
# code is here, so that showing a step to the public or not is decided for each one.
PUBLIC_LABELS: dict[ActionCode, StrOrPromise | None] = {
    ActionCode.REGISTER: _("Complaint received"),
    ActionCode.FORWARD: _("Sent to the responsible team"),
    ActionCode.DISPATCH: _("A technician is on the way"),
    ActionCode.INFORM_CUSTOMER: _("We told you what we will do"),
    ActionCode.AWAIT_CUSTOMER: _("Waiting for you (we will contact you)"),
    ActionCode.RESUME: _("Work resumed"),
    ActionCode.REPORT_FIXED: _("Fixed; we are checking the work"),
    ActionCode.VERIFY: _("The fix was checked"),
    ActionCode.REJECT_FIX: _("The fix needs more work"),
    ActionCode.CLOSE: _("Closed"),
    ActionCode.REOPEN: _("Reopened"),
    ActionCode.MARK_DUPLICATE: _("Joined to another report of the same problem"),
    ActionCode.MARK_NOT_RELEVANT: _("Not a matter for PWA"),
    ActionCode.TRANSFER_OUT: _("Passed to another agency"),
    ActionCode.RECATEGORISE: None,
    ActionCode.CONTACT_LOG: None,
    ActionCode.ATTACH: None,
    ActionCode.CUSTOMER_MESSAGE: None,
    ActionCode.SLA_ESCALATED: None,
    ActionCode.SURVEY_ANSWERED: None,
}


@dataclass(frozen=True)
class Action:
    code: ActionCode
    step: int | None
    from_states: frozenset[str]
    # None: a milestone that leaves the state as it is (inform_customer, recategorise).
    to_state: str | None
    roles: frozenset[str]
    # The technician may take it only on a complaint with their own open work order.
    own_work_order_roles: frozenset[str] = frozenset()

    @property
    def label(self) -> StrOrPromise:
        return self.code.label


def _action(
    code: ActionCode,
    step: int | None,
    from_states: set[str] | frozenset[str],
    to_state: str | None,
    roles: frozenset[str],
    own_work_order_roles: frozenset[str] = frozenset(),
) -> Action:
    return Action(code, step, frozenset(from_states), to_state, roles, own_work_order_roles)


# Keyed by the codes; each equals its string, so a code read from a request finds its action.
ACTIONS: dict[str, Action] = {
    a.code: a
    for a in [
        _action(
            ActionCode.FORWARD,
            2,
            {State.RECEIVED},
            State.FORWARDED,
            _INTAKE | {Role.REGION_OFFICER},
        ),
        _action(ActionCode.DISPATCH, 3, {State.FORWARDED}, State.IN_PROGRESS, _CENTRE),
        _action(
            ActionCode.INFORM_CUSTOMER,
            4,
            {State.FORWARDED, State.IN_PROGRESS, State.AWAITING_CUSTOMER},
            None,
            _CENTRE,
        ),
        _action(
            ActionCode.AWAIT_CUSTOMER,
            None,
            {State.IN_PROGRESS},
            State.AWAITING_CUSTOMER,
            _CENTRE,
            own_work_order_roles=frozenset({Role.TECHNICIAN}),
        ),
        _action(ActionCode.RESUME, None, {State.AWAITING_CUSTOMER}, State.IN_PROGRESS, _CENTRE),
        _action(
            ActionCode.REPORT_FIXED,
            3,
            {State.IN_PROGRESS},
            State.FIXED,
            _CENTRE,
            own_work_order_roles=frozenset({Role.TECHNICIAN}),
        ),
        _action(ActionCode.VERIFY, 5, {State.FIXED}, State.VERIFIED, _CENTRE),
        _action(ActionCode.REJECT_FIX, 5, {State.FIXED}, State.IN_PROGRESS, _CENTRE),
        _action(ActionCode.CLOSE, 6, {State.VERIFIED}, State.CLOSED, _CENTRE),
        _action(ActionCode.REOPEN, 6, {State.CLOSED}, State.IN_PROGRESS, _CENTRE),
        _action(
            ActionCode.RECATEGORISE,
            2,
            OPEN_STATES - {State.FIXED, State.VERIFIED},
            None,
            _INTAKE,
        ),
        _action(ActionCode.MARK_DUPLICATE, 2, OPEN_STATES, State.DUPLICATE, _INTAKE),
        _action(ActionCode.MARK_NOT_RELEVANT, 2, OPEN_STATES, State.NOT_RELEVANT, _INTAKE),
        _action(ActionCode.TRANSFER_OUT, 2, OPEN_STATES, State.TRANSFERRED, _INTAKE),
        _action(
            ActionCode.CONTACT_LOG,
            None,
            OPEN_STATES | {State.CLOSED},
            None,
            _INTAKE,
            own_work_order_roles=frozenset({Role.TECHNICIAN}),
        ),
    ]
}

# Who may register complaints (step 1), by hand or through the API.
REGISTER_ROLES = _INTAKE


def actions_available(*, status: str) -> list[Action]:
    """Actions the process allows in a state, whoever asks (roles are checked separately)."""
    return [a for a in ACTIONS.values() if status in a.from_states]
