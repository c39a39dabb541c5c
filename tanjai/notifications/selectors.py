"""Reads of the notices to customers: a complaint's list, the centre's telephone tasks."""

from __future__ import annotations

from django.db.models import QuerySet

from tanjai.accounts.scope import Actor
from tanjai.complaints.models import Complaint
from tanjai.complaints.selectors import complaints_visible_to
from tanjai.complaints.workflow import ACTIONS, ActionCode
from tanjai.notifications.models import Notification, NotificationStatus

# Who handles the customer, and so telephones them: the centre of the complaint's branch.
TELEPHONE_ROLES = ACTIONS[ActionCode.INFORM_CUSTOMER].roles


def customer_notices(*, complaint: Complaint) -> list[Notification]:
    return list(
        Notification.objects.filter(complaint=complaint, to_customer=True)
        .select_related("local_sms", "contact_event")
        .order_by("created_at", "id")
    )


def telephone_tasks(*, actor: Actor) -> QuerySet[Notification]:
    """Notices still to be read out on the telephone, oldest first, for the centre of the
    actor's scope; on complaints whose state still takes a contact with the customer (a task
    on one marked a duplicate or transferred since has no one left to do it)."""
    if not actor.has_any(TELEPHONE_ROLES):
        return Notification.objects.none()
    return (
        Notification.objects.filter(
            to_customer=True,
            status=NotificationStatus.TO_TELL,
            complaint__in=complaints_visible_to(actor=actor),
            complaint__status__in=sorted(ACTIONS[ActionCode.CONTACT_LOG].from_states),
        )
        .select_related("complaint", "complaint__category")
        .order_by("created_at", "id")
    )
