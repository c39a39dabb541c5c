from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tanjai.core.tasks_compat import task
from tanjai.notifications.models import Notification, NotificationStatus
from tanjai.notifications.transports import TRANSPORTS

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# An enqueued delivery that has not run within this time is taken as lost and sent again.
LOST_AFTER = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """2, 4, 8, 16 minutes after the 1st, 2nd, 3rd, 4th failure."""
    return timedelta(minutes=2**attempts)


@task(queue_name="notifications")
def notification_deliver(notification_id: int) -> str:
    """Send one pending notification. The row stays locked while sending, so two workers
    never send the same notice; a send that fails is recorded and retried later."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, status=NotificationStatus.PENDING)
            .first()
        )
        if notification is None:
            return "already handled"
        if notification.next_attempt_at and notification.next_attempt_at > timezone.now():
            return "not due yet"  # a duplicate enqueue must not skip the backoff
        transport = TRANSPORTS.get(notification.channel)
        notification.attempts += 1
        try:
            if transport is None:
                raise LookupError(f"no transport for channel {notification.channel!r}")
            transport.send(notification)
        except Exception as exc:
            logger.warning("notification %s failed: %s", notification.pk, exc)
            notification.last_error = str(exc)[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
            else:
                notification.next_attempt_at = timezone.now() + backoff(notification.attempts)
            notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return "failed"
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "status", "sent_at"])
    return "sent"


@task(queue_name="notifications")
def notifications_retry() -> int:
    """Enqueue the pending notices that are due another try, or whose delivery was lost
    (a worker killed before it ran). Locking in notification_deliver keeps this safe even
    if a delivery is enqueued twice."""
    now = timezone.now()
    due = Notification.objects.filter(status=NotificationStatus.PENDING).filter(
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, created_at__lte=now - LOST_AFTER)
    )
    ids = list(due.values_list("id", flat=True)[:1000])
    for pk in ids:
        notification_deliver.enqueue(pk)
    return len(ids)
