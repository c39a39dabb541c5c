"""Notices to the complainant: registered, the plan told, fixed, closed (with the survey).

Written to the outbox in the same transaction as the event; sent by a background task on
the customer's own channel first (LINE for a LINE complaint, then SMS to a mobile, then
e-mail), none to an anonymous complainant. When none of those reaches the customer (no SMS
backend, a landline), the notice is a task for the centre: the words to read out on the
telephone, done through the workflow's contact log. The outbox row's key makes a repeat a
no-op, and the key is passed on to the gateway so that a retried send is not delivered twice."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.template import Context, Template
from django.urls import reverse
from django.utils.translation import gettext as _

from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.services import complaint_act
from tanjai.complaints.workflow import ActionCode
from tanjai.core.dates import format_date
from tanjai.notifications.defaults import DEFAULTS
from tanjai.notifications.links import public_url
from tanjai.notifications.links import survey_url as survey_link
from tanjai.notifications.models import (
    NoticeEvent,
    NoticeTemplate,
    Notification,
    NotificationStatus,
)
from tanjai.notifications.signals import notices_refused
from tanjai.notifications.tasks import notification_deliver
from tanjai.notifications.transports import sms_backend

if TYPE_CHECKING:
    from tanjai.accounts.scope import Actor

logger = logging.getLogger(__name__)

# Channels whose conversation answers the complainant at once.
CHAT_CHANNELS = frozenset({"line", "facebook"})

# Which event of the process a customer hears of.
NOTICE_FOR_ACTION: dict[str, NoticeEvent] = {
    ActionCode.REGISTER: NoticeEvent.REGISTERED,
    ActionCode.INFORM_CUSTOMER: NoticeEvent.INFORMED,
    ActionCode.REPORT_FIXED: NoticeEvent.FIXED,
    ActionCode.CLOSE: NoticeEvent.CLOSED,
}


# Thai mobile numbers (06, 08, 09, ten digits) take SMS; a landline (nine digits) does not.
_MOBILE = re.compile(r"0[689]\d{8}")
# Channels where the officer who registers the complaint talks with the customer, who hears
# the tracking number there and then.
SPOKEN_CHANNELS = frozenset({"phone", "cc1662", "walk_in"})


def customer_mobile(complaint: Complaint) -> str:
    """The customer's mobile number (the main one, else the other), or ""."""
    for number in (complaint.customer_phone, complaint.customer_phone_alt):
        digits = re.sub(r"\D", "", number or "")
        if _MOBILE.fullmatch(digits):
            return digits
    return ""


def customer_channel(complaint: Complaint) -> tuple[str, str] | None:
    """(channel, address) to reach the complainant on, or None (anonymous, no contact).

    Last comes "phone": no channel sends to this customer, so a person must tell them."""
    if complaint.anonymous:
        return None
    if notices_refused(complaint=complaint):  # PDPA: the customer objected
        return None
    if complaint.customer_line_user_id and settings.LINE_CHANNEL_ACCESS_TOKEN:
        return "line", complaint.customer_line_user_id
    if complaint.customer_messenger_id and settings.FACEBOOK_PAGE_ACCESS_TOKEN:
        return "facebook", complaint.customer_messenger_id
    mobile = customer_mobile(complaint)
    if mobile and sms_backend() != "none":
        return "sms", mobile
    if complaint.customer_email:
        return "email", complaint.customer_email
    if number := complaint.customer_phone or complaint.customer_phone_alt:
        return "phone", number
    return None


def told_in_the_event(complaint: Complaint, event: Event) -> bool:
    """Whether the action was itself a conversation with the customer, who heard its news
    there: a telephone or counter registration, the plan told (step 4 is the centre telling
    them), a closing call that reached them. Such a notice needs no telephone call."""
    if event.action == ActionCode.REGISTER:
        return complaint.channel.code in SPOKEN_CHANNELS
    if event.action == ActionCode.INFORM_CUSTOMER:
        return True
    if event.action == ActionCode.CLOSE:
        return bool(event.data.get("customer_reached"))
    return False


def _template(event: str, channel: str) -> NoticeTemplate | None:
    templates = {t.channel: t for t in NoticeTemplate.objects.filter(event=event, active=True)}
    return templates.get(channel) or templates.get("any")


def notice_context(complaint: Complaint, event: Event) -> dict[str, str]:
    promised = event.data.get("promised_at")
    survey_url = ""
    if event.action == ActionCode.CLOSE and complaint.satisfaction is None:
        survey_url = survey_link(complaint)
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
        words = {e: (s, b) for e, s, b in DEFAULTS}[notice]
        subject, body = notice_render(*words, notice_context(complaint, event))
    status, told_by = NotificationStatus.PENDING, None
    if channel == "phone":  # nothing to send: a task for the centre, unless already said
        told = told_in_the_event(complaint, event)
        status = NotificationStatus.TOLD if told else NotificationStatus.TO_TELL
        told_by = event if told else None
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
            "status": status,
            "contact_event": told_by,
            "sent_at": event.at if told_by else None,
        },
    )
    if created and status == NotificationStatus.PENDING:
        pk = notification.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return notification


def _enqueue(pk: int) -> None:

    notification_deliver.enqueue(pk)


def notice_resend(*, notification: Notification) -> bool:
    """Send a failed customer notice again (staff asked); False if it was not failed, or
    if the customer has objected to notices since."""
    if notification.complaint and notices_refused(complaint=notification.complaint):
        return False
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.FAILED, to_customer=True
        ).update(status=NotificationStatus.PENDING, attempts=0, next_attempt_at=None)
        if updated:
            pk = notification.pk
            transaction.on_commit(lambda: _enqueue(pk))
    return bool(updated)


def notice_told(
    *, notification_id: int, actor: Actor, reached: bool, note: str = ""
) -> Notification | None:
    """The centre telephoned the customer with a notice's words, reached or not. The call is
    a contact with the customer, logged through the workflow's one door (contact_log, which
    checks the actor's right and the complaint's state); the task is then done. None if it
    was no longer a task (another officer did it meanwhile)."""

    with transaction.atomic():
        notice = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, to_customer=True, status=NotificationStatus.TO_TELL)
            .first()
        )
        if notice is None or notice.complaint_id is None:
            return None
        tracking_no = Complaint.objects.values_list("tracking_no", flat=True).get(
            pk=notice.complaint_id
        )
        complaint_act(
            tracking_no=tracking_no,
            actor=actor,
            action=ActionCode.CONTACT_LOG,
            data={
                "contact_method": "phone",
                "customer_reached": reached,
                # Never the notice's words: they may hold the survey link, and the event
                # log is read by everyone who sees the complaint.
                "note": note.strip() or str(_("Telephoned with the notice to the customer")),
            },
        )
        # The complaint stays locked until this transaction ends: the last contact is ours.
        contact = (
            Event.objects.filter(complaint_id=notice.complaint_id, action=ActionCode.CONTACT_LOG)
            .order_by("-pk")
            .first()
        )
        # Not reached: the task stays, to call again, until the centre has tried
        # CALL_ATTEMPTS times; then it is closed as not reached (each try is in the log).
        notice.attempts += 1
        if reached:
            notice.status = NotificationStatus.TOLD
        elif notice.attempts >= CALL_ATTEMPTS:
            notice.status = NotificationStatus.UNREACHED
        notice.contact_event = contact
        notice.sent_at = contact.at if reached and contact else None
        notice.save(update_fields=["status", "attempts", "contact_event", "sent_at"])
    return notice


# How many times the centre calls a customer it cannot reach before it stops.
CALL_ATTEMPTS = 3
