"""E-mail (channel `email`): mail received by Tanjai's own SMTP listener (`tanjai smtpd`)
becomes a complaint, or joins the complaint it answers. A message is handled once (its
Message-ID); a reply in the same thread (In-Reply-To / References, or the tracking number in
the subject from the same sender) is added to the existing complaint. Thai charsets,
HTML-only mail and RFC 2231 attachment names are read by Python's e-mail parser."""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from tanjai.channels.conversation import _branch_from_address, channel_actor
from tanjai.channels.models import EmailThread, InboundMessage
from tanjai.complaints.models import Complaint

logger = logging.getLogger(__name__)
PROVIDER = "email"
_NUMBER = re.compile(r"[0-9๐-๙]{2}-[0-9๐-๙]{7}-[0-9๐-๙]")


@dataclass
class Received:
    complaint: Complaint | None
    created: bool
    duplicate: bool = False


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        content = html.unescape(strip_tags(re.sub(r"(?i)<br\s*/?>|</p>", "\n", content)))
    # Quoted earlier messages of a reply are not the customer's new words.
    lines = [line for line in content.splitlines() if not line.lstrip().startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _message_id(message: EmailMessage, raw: bytes) -> str:
    value = str(message.get("Message-ID", "")).strip()
    return value[:200] if value else "sha256:" + hashlib.sha256(raw).hexdigest()


def _thread(message: EmailMessage, sender: str) -> Complaint | None:
    from tanjai.core.tracking import TrackingNumberError, tracking_normalise

    refs = " ".join(str(message.get(h, "")) for h in ("In-Reply-To", "References"))
    ids = re.findall(r"<[^<>]+>", refs)
    if ids:
        thread = EmailThread.objects.filter(message_id__in=ids).select_related("complaint")
        found = thread.first()
        if found is not None:
            return found.complaint
    number = _NUMBER.search(str(message.get("Subject", "")))
    if number:
        try:
            tracking_no = tracking_normalise(number.group(0))
        except TrackingNumberError:
            return None
        # By subject only from the address that made the complaint.
        return Complaint.objects.filter(tracking_no=tracking_no, customer_email=sender).first()
    return None


def email_receive(raw: bytes) -> Received:
    """Store one message: a new complaint, or an addition to the one it answers."""
    from tanjai.complaints.attachments import attachment_add
    from tanjai.complaints.errors import WorkflowError
    from tanjai.complaints.models import AttachmentKind
    from tanjai.complaints.services import event_append
    from tanjai.intake.services import complaint_register

    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    message_id = _message_id(message, raw)
    sender_name, sender = parseaddr(str(message.get("From", "")))
    sender = sender.lower()
    subject = str(message.get("Subject", "")).strip()
    text = _text_of(message)
    actor = channel_actor(PROVIDER)
    with transaction.atomic():
        try:
            with transaction.atomic():
                InboundMessage.objects.create(provider=PROVIDER, message_id=message_id)
        except IntegrityError:
            return Received(None, created=False, duplicate=True)
        complaint = _thread(message, sender)
        created = complaint is None
        if complaint is None:
            description = "\n\n".join(p for p in (subject, text) if p) or "(ไม่มีข้อความ)"
            branch = _branch_from_address(f"{subject} {text}") or settings.EMAIL_INTAKE_BRANCH
            complaint, created = complaint_register(
                actor=actor,
                data={
                    "channel": PROVIDER,
                    "category": settings.EMAIL_INTAKE_CATEGORY,
                    "description": description[:5000],
                    "branch": branch,
                    "customer": {"name": sender_name[:200], "email": sender},
                },
                intake_key=message_id,
            )
        else:
            event_append(
                complaint=complaint,
                actor=actor,
                action="customer_message",
                note=text[:5000],
                data={"channel": PROVIDER, "subject": subject[:200]},
            )
        EmailThread.objects.get_or_create(message_id=message_id, defaults={"complaint": complaint})
        for part in message.iter_attachments():
            name = part.get_filename() or "attachment"
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes) or not payload:
                continue
            upload = io.BytesIO(payload)
            upload.name = name  # type: ignore[attr-defined]
            try:
                attachment_add(
                    actor=actor,
                    tracking_no=complaint.tracking_no,
                    upload=upload,
                    kind=AttachmentKind.DOCUMENT,
                    now=timezone.now(),
                )
            except WorkflowError as exc:
                logger.info("e-mail attachment %r of %s refused: %s", name, message_id, exc)
    return Received(complaint, created=created)
