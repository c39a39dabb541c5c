"""Who is told what when something happens to a complaint (staff notices).

Rows are written inside the action's transaction; delivery is queued on commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tanjai.accounts.models import ScopeLevel
from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Scope
from tanjai.complaints.models import Complaint, Event
from tanjai.core.text import mask_personal_text
from tanjai.dispatch.models import WorkOrder
from tanjai.notifications.customer import customer_notify
from tanjai.notifications.models import Notification, NotificationStatus
from tanjai.notifications.tasks import notification_deliver
from tanjai.sla.escalation import LEVEL_NAMES, OVERDUE_AGAIN


def _staff(*, roles: Iterable[str], branch_id: int | None = None, region_id: int | None = None):
    """Staff with one of the roles whose own place (their profile's branch and region) lies
    in the branch, or in the region; of a region, only its own officers, who hold the whole
    region, not the staff of its branches."""
    User = get_user_model()
    qs = User.objects.filter(is_active=True, groups__name__in=list(roles))
    if branch_id is not None:
        qs = qs.filter(Scope(ScopeLevel.BRANCH, branch_id=branch_id).q("staff_profile__"))
    if region_id is not None:
        qs = qs.filter(
            Scope(ScopeLevel.REGION, region_id=region_id).q("staff_profile__"),
            staff_profile__scope_level=ScopeLevel.REGION,
        )
    return qs.distinct()


def notify_users(
    *, users: Iterable, complaint: Complaint, event: Event, subject: str, body: str
) -> None:
    """An inbox notice for each user, plus an e-mail where they have an address.

    The idempotency key (event, user, channel) makes a repeat a no-op."""
    notify_staff(
        users=users,
        key=f"event:{event.pk}",
        subject=subject,
        body=body,
        complaint=complaint,
        event=event,
    )


def notify_staff(
    *,
    users: Iterable,
    key: str,
    subject: str,
    body: str,
    complaint: Complaint | None = None,
    event: Event | None = None,
) -> None:
    """An inbox notice for each user, plus an e-mail where they have an address; `key`
    names the occasion, so a repeat of the same occasion is a no-op."""
    now = timezone.now()
    rows = []
    for user in users:
        for channel in ["inbox"] + (["email"] if user.email else []):
            inbox = channel == "inbox"
            rows.append(
                Notification(
                    idempotency_key=f"{key}:user:{user.pk}:{channel}"[:200],
                    channel=channel,
                    user=user,
                    address="" if inbox else user.email,
                    subject=subject,
                    body=body,
                    complaint=complaint,
                    event=event,
                    # The inbox is the database itself: stored is delivered.
                    status=NotificationStatus.SENT if inbox else NotificationStatus.PENDING,
                    sent_at=now if inbox else None,
                )
            )
    if not rows:
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    pending = list(
        Notification.objects.filter(
            idempotency_key__in=[r.idempotency_key for r in rows],
            status=NotificationStatus.PENDING,
            attempts=0,
        ).values_list("id", flat=True)
    )
    if pending:
        transaction.on_commit(lambda: _enqueue(pending))


def _enqueue(ids: list[int]) -> None:

    for pk in ids:
        notification_deliver.enqueue(pk)


def event_notify(*, complaint: Complaint, event: Event) -> None:
    """Staff who must act next hear of it: technicians of a new work order, the centre of a
    forwarded complaint and of a reported fix. Notices leave the system (e-mail), so they
    carry the description with phone and house numbers masked, and no address. The
    customer hears of registration, the plan, the fix and the closing (customer.py)."""

    customer_notify(complaint=complaint, event=event)
    subject = f"[{complaint.tracking_no}] "
    if event.action in {"dispatch", "reject_fix", "reopen"} and event.data.get("work_order"):
        order = WorkOrder.objects.get(pk=event.data["work_order"])
        notify_users(
            users=order.assignees.all(),
            complaint=complaint,
            event=event,
            subject=subject + "งานใหม่ / new work order",
            body=f"{complaint.tracking_no}: {mask_personal_text(complaint.description[:300], names=[complaint.customer_name])}",
        )
    elif event.action in {"forward", "report_fixed"}:
        notify_users(
            users=_staff(roles=[Role.CENTRE_STAFF], branch_id=complaint.branch_id),
            complaint=complaint,
            event=event,
            subject=subject
            + (
                "ส่งต่อถึงศูนย์ / forwarded"
                if event.action == "forward"
                else "แก้ไขแล้ว รอตรวจสอบ / fixed, to verify"
            ),
            body=f"{complaint.tracking_no}: {mask_personal_text(complaint.description[:300], names=[complaint.customer_name])}",
        )


def escalation_notify(
    *,
    complaint: Complaint,
    event: Event,
    target: str,
    level: int,
    recipients: dict[tuple[str, int], list] | None = None,
) -> None:
    """Due soon and breached: the branch manager. Overdue by a whole target again: the region.

    `recipients` caches who they are across one watcher pass."""

    recipients = {} if recipients is None else recipients
    if level >= OVERDUE_AGAIN:
        key = ("region", complaint.region_id)
        if key not in recipients:
            recipients[key] = list(
                _staff(roles=[Role.REGION_OFFICER], region_id=complaint.region_id)
            )
    else:
        key = ("branch", complaint.branch_id)
        if key not in recipients:
            recipients[key] = list(
                _staff(roles=[Role.BRANCH_MANAGER], branch_id=complaint.branch_id)
            )
    users = recipients[key]
    label = {
        "inform": "แจ้งลูกค้าภายใน 24 ชม. / inform the customer",
        "resolve": "แก้ไขตาม SLA / resolve",
    }[target]
    notify_users(
        users=users,
        complaint=complaint,
        event=event,
        subject=f"[{complaint.tracking_no}] SLA {LEVEL_NAMES[level]}: {label}",
        body=f"{complaint.tracking_no} ({complaint.branch.code}): {mask_personal_text(complaint.description[:300], names=[complaint.customer_name])}",
    )
