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


@dataclass(frozen=True)
class Action:
    code: str
    label: StrOrPromise
    step: int | None
    from_states: frozenset[str]
    # None: a milestone that leaves the state as it is (inform_customer, recategorise).
    to_state: str | None
    roles: frozenset[str]
    # The technician may take it only on a complaint with their own open work order.
    own_work_order_roles: frozenset[str] = frozenset()


def _action(
    code: str,
    label: StrOrPromise,
    step: int | None,
    from_states: set[str] | frozenset[str],
    to_state: str | None,
    roles: frozenset[str],
    own_work_order_roles: frozenset[str] = frozenset(),
) -> Action:
    return Action(code, label, step, frozenset(from_states), to_state, roles, own_work_order_roles)


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in [
        _action(
            "forward",
            _("Forward to the responsible unit"),
            2,
            {State.RECEIVED},
            State.FORWARDED,
            _INTAKE | {Role.REGION_OFFICER},
        ),
        _action(
            "dispatch",
            _("Dispatch Mr. Prapa or a service team"),
            3,
            {State.FORWARDED},
            State.IN_PROGRESS,
            _CENTRE,
        ),
        _action(
            "inform_customer",
            _("Inform the customer of the plan"),
            4,
            {State.FORWARDED, State.IN_PROGRESS, State.AWAITING_CUSTOMER},
            None,
            _CENTRE,
        ),
        _action(
            "await_customer",
            _("Wait for the customer"),
            None,
            {State.IN_PROGRESS},
            State.AWAITING_CUSTOMER,
            _CENTRE,
            own_work_order_roles=frozenset({Role.TECHNICIAN}),
        ),
        _action(
            "resume", _("Resume work"), None, {State.AWAITING_CUSTOMER}, State.IN_PROGRESS, _CENTRE
        ),
        _action(
            "report_fixed",
            _("Report the fix"),
            3,
            {State.IN_PROGRESS},
            State.FIXED,
            _CENTRE,
            own_work_order_roles=frozenset({Role.TECHNICIAN}),
        ),
        _action("verify", _("Verify the fix"), 5, {State.FIXED}, State.VERIFIED, _CENTRE),
        _action("reject_fix", _("Send the fix back"), 5, {State.FIXED}, State.IN_PROGRESS, _CENTRE),
        _action("close", _("Close with the customer"), 6, {State.VERIFIED}, State.CLOSED, _CENTRE),
        _action("reopen", _("Reopen"), 6, {State.CLOSED}, State.IN_PROGRESS, _CENTRE),
        _action(
            "recategorise",
            _("Change the category"),
            2,
            OPEN_STATES - {State.FIXED, State.VERIFIED},
            None,
            _INTAKE,
        ),
        _action(
            "mark_duplicate", _("Mark as a duplicate"), 2, OPEN_STATES, State.DUPLICATE, _INTAKE
        ),
        _action(
            "mark_not_relevant",
            _("Mark as not relevant"),
            2,
            OPEN_STATES,
            State.NOT_RELEVANT,
            _INTAKE,
        ),
        _action(
            "transfer_out",
            _("Transfer to an outside agency"),
            2,
            OPEN_STATES,
            State.TRANSFERRED,
            _INTAKE,
        ),
        _action(
            "contact_log",
            _("Log a contact with the customer"),
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
