"""Anonymising a complaint: what erasure (a person's request) and retention (time) both do.

Gone: the customer's name, phones, e-mail, LINE and Messenger ids, account number and house
address; mentions of them (and any phone, e-mail, long or house number) in the description,
the events' notes, the work orders, the survey comment and the staff notices; the customer's
own messages; the words and addresses of the notices sent to them; the e-mail thread's ids;
the documents (files and rows). Photos of the problem stay, stripped of their
metadata (EXIF: device, owner, GPS) and under a name without the original one; the map pin
moves to the centre of its report grid cell (about 5 km), so the reports' map is unchanged.

Kept: category, channel, branch, unit, every date, the SLA columns, the satisfaction score
and the event log's shape (every event stays, with its action, states, actor and time).

The event log is append-only, and on PostgreSQL a trigger refuses any UPDATE of it. We chose
a narrow, audited exception over a redaction table that the timeline would read: a redaction
table leaves the personal text in complaints_event, which is not erasure. So
_event_redact first writes an EventRedaction row (itself append-only: which event, when,
which request, which fields), then updates only `note` and `data` of that event with the
transaction-local setting tanjai.event_redaction on. The trigger (privacy migration 0002)
lets an update through only with that setting, only for an event already recorded in
EventRedaction, and only if the shape columns are unchanged; deletes stay refused."""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction

from tanjai.channels.models import Conversation, EmailThread, ImportRow
from tanjai.complaints.metadata import UnreadablePhoto, photo_metadata_strip
from tanjai.complaints.models import Attachment, AttachmentKind, Complaint, Event
from tanjai.complaints.workflow import ActionCode
from tanjai.core.text import search_document
from tanjai.dispatch.models import WorkOrder
from tanjai.notifications.models import LocalSms, Notification
from tanjai.portal.models import SurveyAnswer
from tanjai.privacy.models import AnonymisedComplaint, DataSubjectRequest, EventRedaction
from tanjai.privacy.person import ERASED, PersonKeys, Scrubber
from tanjai.reports.models import GRID

logger = logging.getLogger(__name__)

# Keys of events' data that hold words people wrote (the rest are codes, numbers, dates).
FREE_TEXT_KEYS = frozenset({"plan", "late_reason", "note", "reason", "result", "comment"})
# Events whose note is the customer's own message, removed whole.
CUSTOMER_WORDS = frozenset({ActionCode.CUSTOMER_MESSAGE})
PHOTO_KINDS = frozenset({AttachmentKind.PHOTO_BEFORE, AttachmentKind.PHOTO_AFTER})
_PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def complaint_scrubber(complaint: Complaint, keys: PersonKeys | None = None) -> Scrubber:
    scrub = Scrubber()
    scrub.add(
        names=[complaint.customer_name, keys.name if keys else ""],
        phones=[
            complaint.customer_phone,
            complaint.customer_phone_alt,
            keys.phone if keys else "",
        ],
        numbers=[complaint.customer_account_no, keys.account_no if keys else ""],
        literals=[
            complaint.customer_email,
            complaint.customer_line_user_id,
            complaint.customer_messenger_id,
            *((keys.email, keys.line_user_id, keys.messenger_id) if keys else ()),
        ],
    )
    return scrub


@contextmanager
def _event_redaction_allowed() -> Iterator[None]:
    """The PostgreSQL trigger's permission, for this transaction and these statements only."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('tanjai.event_redaction', 'on', true)")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('tanjai.event_redaction', 'off', true)")


def _event_redact(
    event: Event, *, note: str, data: Any, now: datetime, request: DataSubjectRequest | None
) -> bool:
    fields = [
        name
        for name, old, new in (("note", event.note, note), ("data", event.data, data))
        if old != new
    ]
    if not fields:
        return False
    EventRedaction.objects.create(event=event, at=now, request=request, fields=fields)
    with _event_redaction_allowed():
        # Event.objects refuses update(); this is the one deliberate exception: the plain
        # QuerySet.update of two columns, after the EventRedaction row above.
        models.QuerySet.update(Event.objects.filter(pk=event.pk), note=note, data=data)
    return True


def _grid_centre(value: float | None) -> float | None:

    if value is None:
        return None
    return round((math.floor(value * GRID) + 0.5) / GRID, 6)


def _attachments_anonymise(complaint: Complaint) -> tuple[int, int]:
    """Delete the documents (row and file); keep the photos without their metadata (with the
    helper uploads use since they strip it, for the photos stored before). The old files go
    once the transaction has committed."""
    gone: list[tuple[Any, str]] = []
    documents = photos = 0
    for attachment in Attachment.objects.filter(complaint=complaint):
        storage, name = attachment.file.storage, attachment.file.name
        if attachment.kind not in PHOTO_KINDS or attachment.content_type not in _PHOTO_TYPES:
            attachment.delete()
            gone.append((storage, name))
            documents += 1
            continue
        try:
            with storage.open(name, "rb") as stored:
                original = stored.read()
            content = photo_metadata_strip(original, attachment.content_type)
        except (OSError, UnreadablePhoto) as exc:
            # A photo that cannot be read cannot be cleaned: it goes like a document.
            logger.warning("photo %s could not be re-encoded (%s): deleted", attachment.pk, exc)
            attachment.delete()
            gone.append((storage, name))
            documents += 1
            continue
        digest = hashlib.sha256(content).hexdigest()
        extension = _PHOTO_TYPES[attachment.content_type]
        if content == original:
            # Nothing to take out (stored clean, or never carried any): the file stays,
            # only its own name goes.
            attachment.original_name = f"photo-{attachment.pk}.{extension}"
            attachment.save(update_fields=["original_name"])
            photos += 1
            continue
        if (
            Attachment.objects.filter(complaint=complaint, sha256=digest)
            .exclude(pk=attachment.pk)
            .exists()
        ):
            attachment.delete()  # the same photo, already cleaned under another row
        else:
            attachment.original_name = f"photo-{attachment.pk}.{extension}"
            attachment.sha256 = digest
            attachment.size = len(content)
            attachment.file.save(attachment.original_name, ContentFile(content), save=False)
            attachment.save(update_fields=["original_name", "sha256", "size", "file"])
        gone.append((storage, name))
        photos += 1

    def delete_files() -> None:
        for storage, name in gone:
            if name:
                storage.delete(name)

    transaction.on_commit(delete_files)
    return documents, photos


def complaint_anonymise(
    *,
    complaint_id: int,
    now: datetime,
    request: DataSubjectRequest | None = None,
    keys: PersonKeys | None = None,
) -> dict[str, int] | None:
    """Anonymise one complaint (see the module's docstring); None if it already was. Safe on
    two workers: the AnonymisedComplaint row is created first, and only once."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                AnonymisedComplaint.objects.create(
                    complaint_id=complaint_id, at=now, request=request
                )
        except IntegrityError:
            return None
        complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
        scrub = complaint_scrubber(complaint, keys)
        counts = {"events": 0, "notices": 0, "documents": 0, "photos": 0}

        for event in Event.objects.filter(complaint=complaint).order_by("pk"):
            if event.action in CUSTOMER_WORDS:
                note = ERASED if event.note else ""
                data = {k: ("" if k == "subject" else v) for k, v in event.data.items()}
            else:
                note = scrub.text(event.note)
                data = scrub.data(event.data, free_text=FREE_TEXT_KEYS)
            if event.action == ActionCode.ATTACH and event.data.get("kind") not in PHOTO_KINDS:
                data = {**data, "name": ERASED}
            elif event.action == ActionCode.ATTACH and "name" in data:
                data = {**data, "name": f"photo-{event.data.get('attachment', '')}"}
            if _event_redact(event, note=note, data=data, now=now, request=request):
                counts["events"] += 1

        for notice in Notification.objects.filter(complaint=complaint):
            if notice.to_customer:
                notice.address, notice.subject, notice.body = "", "", ""
            else:
                notice.subject = scrub.text(notice.subject)[:200]
                notice.body = scrub.text(notice.body)
            notice.last_error = scrub.text(notice.last_error)
            notice.save(update_fields=["address", "subject", "body", "last_error"])
            counts["notices"] += 1
        LocalSms.objects.filter(notification__complaint=complaint).update(to="", text="")

        for order in WorkOrder.objects.filter(complaint=complaint):
            order.note, order.result = scrub.text(order.note), scrub.text(order.result)
            order.save(update_fields=["note", "result"])
        for answer in SurveyAnswer.objects.filter(complaint=complaint):
            answer.comment = scrub.text(answer.comment)
            answer.save(update_fields=["comment"])
        EmailThread.objects.filter(complaint=complaint).delete()
        ImportRow.objects.filter(complaint=complaint).exclude(values={}).update(values={})
        counts["documents"], counts["photos"] = _attachments_anonymise(complaint)

        complaint.description = scrub.text(complaint.description)
        complaint.search_document = search_document(
            complaint.description, complaint.district, complaint.province
        )
        for name in (
            "customer_name",
            "customer_phone",
            "customer_phone_alt",
            "customer_email",
            "customer_line_user_id",
            "customer_messenger_id",
            "customer_account_no",
            "address",
        ):
            setattr(complaint, name, "")
        complaint.lat, complaint.lon = _grid_centre(complaint.lat), _grid_centre(complaint.lon)
        complaint.version += 1
        complaint.save(
            update_fields=[
                "description",
                "search_document",
                "customer_name",
                "customer_phone",
                "customer_phone_alt",
                "customer_email",
                "customer_line_user_id",
                "customer_messenger_id",
                "customer_account_no",
                "address",
                "lat",
                "lon",
                "version",
                "updated_at",
            ]
        )
    return counts


def import_row_anonymise(row: ImportRow, scrub: Scrubber) -> None:
    """A rejected row: its values go, its reasons (which may quote them) are scrubbed."""
    row.values = {}
    row.reasons = [scrub.text(str(reason)) for reason in row.reasons]
    row.save(update_fields=["values", "reasons"])


def conversation_forget(conversation: Conversation) -> None:
    """A chat not sent as a complaint: the row, and its photos once committed."""
    from django.core.files.storage import default_storage

    names = list(conversation.photos)
    conversation.delete()

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
