"""E-mail (channel `email`): mail received by Tanjai's own SMTP listener (`tanjai smtpd`)
becomes a complaint, or joins the complaint it answers. A message is handled once (its
Message-ID); a reply in the same thread (In-Reply-To / References, or the tracking number in
the subject, from the address that made the complaint) is added to the existing complaint.
Thai charsets, HTML-only mail and RFC 2231 attachment names are read by Python's e-mail
parser; text in no charset or an unknown one is guessed (UTF-8, then Thai Windows), and
what still does not read, a NUL among it, becomes U+FFFD: a message is stored as far as it
reads rather than refused, since a refusal sends it back to a person (5xx) or, worse, has
the sending server try again for days (4xx)."""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from tanjai.channels.conversation import _branch_from_address, channel_actor
from tanjai.channels.models import EmailThread, InboundMessage
from tanjai.complaints.attachments import attachment_add
from tanjai.complaints.errors import InvalidInput, WorkflowError
from tanjai.complaints.eventlog import event_append
from tanjai.complaints.models import AttachmentKind, Complaint
from tanjai.complaints.workflow import ActionCode
from tanjai.core.tracking import TrackingNumberError, tracking_normalise
from tanjai.intake.services import complaint_register

logger = logging.getLogger(__name__)
PROVIDER = "email"
_NUMBER = re.compile(r"[0-9๐-๙]{2}-[0-9๐-๙]{7}-[0-9๐-๙]")


@dataclass
class Received:
    complaint: Complaint | None
    created: bool
    duplicate: bool = False


class EmailRefused(Exception):
    """A message that can never be stored as it is: refused for good (5xx), with a reason
    the sending server passes back to the person who wrote it."""


# Labels mail programs write for Thai that Python knows by another name.
_CHARSET_ALIASES = {"windows-874": "cp874", "x-windows-874": "cp874", "ms874": "cp874"}
# Characters no column (PostgreSQL refuses NUL) or page should hold; tab and newlines stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _readable(text: str, *, line: bool = False) -> str:
    """Text as it can be stored: bytes the parser could not decode (kept as surrogates) read
    as UTF-8 where they are, and everything unreadable or unstorable as U+FFFD."""
    if not text.isascii():
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "surrogatepass")
        text = raw.decode("utf-8", "replace")
    return (_LINE_CONTROL if line else _CONTROL).sub("\ufffd", text)


def _decoded(part: Message) -> str:
    """A text part's words in its declared charset when that reads; else UTF-8, then Thai
    Windows (TIS-620 is a subset of it); else UTF-8 with U+FFFD for what does not read."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    declared = (part.get_content_charset() or "").strip().lower()
    charsets = [_CHARSET_ALIASES.get(declared, declared)] if declared else []
    for charset in [*charsets, "utf-8", "cp874"]:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", "replace")


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = str(message.get(name, ""))
    except Exception:  # a header the parser cannot take apart: its raw text
        value = next((str(v) for k, v in message.raw_items() if k.lower() == name.lower()), "")
    return _readable(value, line=True).strip()


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = _decoded(part)
    if part.get_content_subtype() == "html":
        content = html.unescape(strip_tags(re.sub(r"(?i)<br\s*/?>|</p>", "\n", content)))
    content = _readable(content)
    # Quoted earlier messages of a reply are not the customer's new words.
    lines = [line for line in content.splitlines() if not line.lstrip().startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _sender(message: EmailMessage) -> tuple[str, str]:
    """The name and address the message is from; no address if it is not a valid one."""
    pairs = getaddresses([_header(message, "From")])
    name, address = pairs[0] if pairs else ("", "")
    address = address.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        address = ""
    return _readable(name, line=True)[:200], address


def _attachment_name(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a mangled RFC 2231 name
        name = ""
    return _readable(name, line=True).strip().replace("/", "_")[:200] or "attachment"


def _message_id(message: EmailMessage, raw: bytes) -> str:
    value = _header(message, "Message-ID")
    return value[:200] if value else "sha256:" + hashlib.sha256(raw).hexdigest()


def _thread(message: EmailMessage, sender: str) -> Complaint | None:
    """The complaint this message answers, only if it comes from the address that made the
    complaint: a message naming someone else's thread is a new complaint, or anyone could
    write into any complaint whose Message-ID they saw."""

    if not sender:
        return None
    refs = " ".join(_header(message, h) for h in ("In-Reply-To", "References"))
    ids = [i[:200] for i in re.findall(r"<[^<>]+>", refs)]
    if ids:
        found = (
            EmailThread.objects.filter(message_id__in=ids, complaint__customer_email__iexact=sender)
            .select_related("complaint")
            .first()
        )
        if found is not None:
            return found.complaint
    number = _NUMBER.search(_header(message, "Subject"))
    if number:
        try:
            tracking_no = tracking_normalise(number.group(0))
        except TrackingNumberError:
            return None
        # By subject only from the address that made the complaint.
        return Complaint.objects.filter(
            tracking_no=tracking_no, customer_email__iexact=sender
        ).first()
    return None


def email_receive(raw: bytes) -> Received:
    """Store one message: a new complaint, or an addition to the one it answers. Raises
    EmailRefused for a message that can never be stored."""

    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    message_id = _message_id(message, raw)
    sender_name, sender = _sender(message)
    subject = _header(message, "Subject")
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
            try:
                complaint, created = complaint_register(
                    actor=actor,
                    data={
                        "channel": PROVIDER,
                        "category": settings.EMAIL_INTAKE_CATEGORY,
                        "description": description[:5000],
                        "branch": branch,
                        "customer": {"name": sender_name, "email": sender},
                    },
                    intake_key=message_id,
                )
            except InvalidInput as exc:
                fields = ", ".join(sorted(exc.errors)) or "the message"
                raise EmailRefused(f"it cannot be registered as a complaint ({fields})") from exc
        else:
            event_append(
                complaint=complaint,
                actor=actor,
                action=ActionCode.CUSTOMER_MESSAGE,
                note=text[:5000],
                data={"channel": PROVIDER, "subject": subject[:200]},
            )
        EmailThread.objects.get_or_create(message_id=message_id, defaults={"complaint": complaint})
        for part in message.iter_attachments():
            name = _attachment_name(part)
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
