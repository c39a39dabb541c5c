from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from tanjai.core.tasks_compat import task
from tanjai.notifications.models import Notification, NotificationStatus
from tanjai.notifications.transports import TRANSPORTS

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


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
            notification.save(update_fields=["attempts", "last_error", "status"])
            return "failed"
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "status", "sent_at"])
    return "sent"
