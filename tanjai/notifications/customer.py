"""Notices to the complainant: registered, the plan told, fixed, closed (with the survey).

Written to the outbox in the same transaction as the event; sent by a background task on
the customer's own channel first (LINE for a LINE complaint, then SMS, then e-mail), none
to an anonymous complainant. The outbox row's key makes a repeat a no-op, and the key is
passed on to the gateway so that a retried send is not delivered twice."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template import Context, Template
from django.urls import reverse

from tanjai.complaints.models import Complaint, Event
from tanjai.core.dates import format_date
from tanjai.notifications.models import (
    NoticeEvent,
    NoticeTemplate,
    Notification,
    NotificationStatus,
)

logger = logging.getLogger(__name__)

# Channels whose conversation answers the complainant at once.
CHAT_CHANNELS = frozenset({"line", "facebook"})

# Which event of the process a customer hears of.
NOTICE_FOR_ACTION = {
    "register": NoticeEvent.REGISTERED,
    "inform_customer": NoticeEvent.INFORMED,
    "report_fixed": NoticeEvent.FIXED,
    "close": NoticeEvent.CLOSED,
}


def customer_channel(complaint: Complaint) -> tuple[str, str] | None:
    """(channel, address) to reach the complainant on, or None (anonymous, no contact)."""
    if complaint.anonymous:
        return None
    if complaint.customer_line_user_id and settings.LINE_CHANNEL_ACCESS_TOKEN:
        return "line", complaint.customer_line_user_id
    if complaint.customer_messenger_id and settings.FACEBOOK_PAGE_ACCESS_TOKEN:
        return "facebook", complaint.customer_messenger_id
    if complaint.customer_phone and settings.SMS_GATEWAY_URL:
        return "sms", complaint.customer_phone
    if complaint.customer_email:
        return "email", complaint.customer_email
    return None


def _template(event: str, channel: str) -> NoticeTemplate | None:
    templates = {t.channel: t for t in NoticeTemplate.objects.filter(event=event, active=True)}
    return templates.get(channel) or templates.get("any")


def public_url(path: str) -> str:
    return settings.TANJAI_PUBLIC_URL.rstrip("/") + path


def notice_context(complaint: Complaint, event: Event) -> dict[str, str]:
    from tanjai.portal.survey import survey_token

    promised = event.data.get("promised_at")
    survey_url = ""
    if event.action == "close" and complaint.satisfaction is None:
        survey_url = public_url(reverse("portal-survey", args=[survey_token(complaint)]))
    return {
        "tracking_no": complaint.tracking_no,
        "category": complaint.category.name_th,
        "plan": event.data.get("plan", ""),
        "promised_at": format_date(datetime.fromisoformat(promised)) if promised else "",
        "track_url": public_url(reverse("portal-track")),
        "survey_url": survey_url,
    }


def notice_render(subject: str, body: str, context: dict[str, str]) -> tuple[str, str]:
    """The words of a notice; ("", "") when the template itself is broken (logged)."""
    from django.template import TemplateSyntaxError

    try:
        values = Context(context, autoescape=False)
        return Template(subject).render(values).strip(), Template(body).render(values).strip()
    except (TemplateSyntaxError, ValueError, LookupError) as exc:
        logger.error("a notice template does not work: %s", exc)
        return "", ""


def customer_notify(*, complaint: Complaint, event: Event) -> Notification | None:
    notice = NOTICE_FOR_ACTION.get(event.action)
    reach = customer_channel(complaint)
    if notice is None or reach is None:
        return None
    if notice == NoticeEvent.REGISTERED and complaint.channel.code in CHAT_CHANNELS:
        return None  # the chat's own answer already gave the tracking number
    channel, address = reach
    template = _template(notice, channel)
    if template is None:
        return None
    subject, body = notice_render(template.subject, template.body, notice_context(complaint, event))
    if not body:  # an edited template that does not work: the built-in words
        from tanjai.notifications.defaults import DEFAULTS

        words = {e: (s, b) for e, s, b in DEFAULTS}[notice]
        subject, body = notice_render(*words, notice_context(complaint, event))
    notification, created = Notification.objects.get_or_create(
        idempotency_key=f"customer:event:{event.pk}",
        defaults={
            "channel": channel,
            "address": address,
            "subject": subject[:200],
            "body": body,
            "complaint": complaint,
            "event": event,
            "to_customer": True,
        },
    )
    if created:
        pk = notification.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return notification


def _enqueue(pk: int) -> None:
    from tanjai.notifications.tasks import notification_deliver

    notification_deliver.enqueue(pk)


def notice_resend(*, notification: Notification) -> bool:
    """Send a failed customer notice again (staff asked); False if it was not failed."""
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.FAILED, to_customer=True
        ).update(status=NotificationStatus.PENDING, attempts=0, next_attempt_at=None)
        if updated:
            pk = notification.pk
            transaction.on_commit(lambda: _enqueue(pk))
    return bool(updated)
