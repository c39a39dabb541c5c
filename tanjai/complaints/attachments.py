"""Photos and documents on a complaint: type read from the content, size capped, stored once.

A file is a change of the complaint like any other: it is stored with the complaint's row
locked, in the transaction of the action it comes with (complaint_act's `uploads`) or on
its own (attachment_add), and leaves an event. Nothing else writes attachments."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
from tanjai.complaints.errors import Forbidden, InvalidInput, NotFound
from tanjai.complaints.eventlog import event_append
from tanjai.complaints.metadata import UnreadablePhoto, photo_metadata_strip
from tanjai.complaints.models import ATTACHMENT_EXTENSIONS, Attachment, AttachmentKind, Complaint
from tanjai.complaints.selectors import complaint_visible, technician_on_the_job
from tanjai.complaints.workflow import ActionCode

# Magic numbers of the types we accept; the name and the browser's claim are not trusted.
_SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"WEBP", 8, "image/webp"),
    (b"%PDF-", 0, "application/pdf"),
]
_PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
# A file given with an action or a new complaint, and the kind it is filed as.
Upload = tuple[IO[bytes], str]

_HANDLERS = frozenset(
    {Role.CHANNEL_OFFICER, Role.CENTRE_STAFF, Role.TECHNICIAN, Role.BRANCH_MANAGER, Role.ADMIN}
)


def sniff_content_type(head: bytes) -> str | None:
    for magic, offset, content_type in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and head[:4] != b"RIFF":
                continue
            return content_type
    return None


def attachment_neutral_name(attachment: Attachment) -> str:
    """A file's name for those who may not see the customer: the tracking number, the
    file's number and its type (69-0000001-2-17.pdf)."""

    extension = ATTACHMENT_EXTENSIONS.get(attachment.content_type, "bin")
    return f"{attachment.complaint.tracking_no}-{attachment.pk}.{extension}"


def attachment_permitted(*, actor: Actor, complaint: Complaint) -> bool:
    """Staff handling the complaint add files; a technician only on their own open job."""
    if actor.has_any(_HANDLERS - {Role.TECHNICIAN}):
        return True
    return Role.TECHNICIAN in actor.roles and technician_on_the_job(
        actor=actor, complaint=complaint
    )


def attachment_read(upload: IO[bytes], *, kind: str) -> tuple[bytes, str]:
    """The upload's bytes and its content type read from them; InvalidInput if refused."""
    if kind not in AttachmentKind.values:
        raise InvalidInput(
            _("Unknown kind of attachment."),
            errors={
                "kind": [_("One of: %(kinds)s.") % {"kinds": ", ".join(AttachmentKind.values)}]
            },
        )
    limit = settings.TANJAI_MAX_UPLOAD_BYTES
    content = upload.read(limit + 1)
    name = getattr(upload, "name", "") or ""
    if len(content) > limit:
        raise InvalidInput(
            _("The file %(name)s is too large.") % {"name": name},
            errors={"file": [_("At most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}]},
        )
    if not content:
        raise InvalidInput(
            _("The file %(name)s is empty.") % {"name": name},
            errors={"file": [_("The file is empty.")]},
        )
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise InvalidInput(
            _("The file %(name)s is of a type that is not accepted.") % {"name": name},
            errors={"file": [_("JPEG, PNG, WebP or PDF only.")]},
        )
    if (
        kind in (AttachmentKind.PHOTO_BEFORE, AttachmentKind.PHOTO_AFTER)
        and content_type not in _PHOTO_TYPES
    ):
        raise InvalidInput(
            _("The file %(name)s is not a photo.") % {"name": name},
            errors={"file": [_("A before or after photo must be an image.")]},
        )
    return content, content_type


def attachments_check(uploads: Iterable[IO[bytes]], *, kind: str) -> list[str]:
    """Check every upload before any is stored (InvalidInput names the first refused);
    returns their content types and leaves each ready to be read again."""
    content_types = []
    for upload in uploads:
        _content, content_type = attachment_read(upload, kind=kind)
        upload.seek(0)
        content_types.append(content_type)
    return content_types


def kind_for_upload(content_type: str, *, photos_of_the_problem: bool, restricted: bool) -> str:
    """What a file given with a new complaint is filed as. Photos of the problem (a leak, a
    meter) are shown to all who see the complaint; anything else (an ID card or a letter
    photographed with a phone), and every file of a restricted category, is a document,
    shown only to those who may see who the customer is."""
    if photos_of_the_problem and not restricted and content_type in _PHOTO_TYPES:
        return AttachmentKind.PHOTO_BEFORE
    return AttachmentKind.DOCUMENT


def attachment_add(
    *, actor: Actor, tracking_no: str, upload: IO[bytes], kind: str, now: datetime
) -> tuple[Attachment, bool]:
    """A file added to a complaint on its own; (the attachment, whether it is new)."""
    complaint = Complaint.objects.filter(tracking_no=tracking_no).first()
    if complaint is None or not complaint_visible(actor=actor, complaint=complaint):
        raise NotFound(_("No complaint %(number)s.") % {"number": tracking_no})
    if not attachment_permitted(actor=actor, complaint=complaint):
        raise Forbidden(_("Only staff handling the complaint add attachments."))
    try:
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
            return attachment_store(
                complaint=complaint, actor=actor, upload=upload, kind=kind, now=now
            )
    except IntegrityError:
        # The same file sent twice at once: the other request stored it.
        digest = hashlib.sha256(attachment_read(_rewound(upload), kind=kind)[0]).hexdigest()
        return Attachment.objects.get(complaint=complaint, sha256=digest), False


def _rewound(upload: IO[bytes]) -> IO[bytes]:
    upload.seek(0)
    return upload


def attachment_store(
    *, complaint: Complaint, actor: Actor | None, upload: IO[bytes], kind: str, now: datetime
) -> tuple[Attachment, bool]:
    """Store one file on a complaint whose row the caller holds locked, inside the caller's
    transaction, with its event; (the attachment, whether it is new)."""
    content, content_type = attachment_read(upload, kind=kind)
    # The same upload twice (a double click, a retried request) is stored once: known by
    # what was sent. What is stored is the photo without its camera's metadata.
    digest = hashlib.sha256(content).hexdigest()
    try:
        content = photo_metadata_strip(content, content_type)
    except UnreadablePhoto:
        raise InvalidInput(
            _("The file %(name)s is not a photo that can be read.")
            % {"name": getattr(upload, "name", "")},
            errors={"file": [_("JPEG, PNG, WebP or PDF only.")]},
        ) from None
    existing = Attachment.objects.filter(complaint=complaint, sha256=digest).first()
    if existing:
        return existing, False
    name = (getattr(upload, "name", "") or "upload").rsplit("/", 1)[-1][:200]
    with transaction.atomic():
        attachment = Attachment(
            complaint=complaint,
            kind=kind,
            original_name=name,
            content_type=content_type,
            size=len(content),
            sha256=digest,
            uploaded_by_id=actor.user_id if actor else None,
        )
        attachment.file.save(name, ContentFile(content), save=False)
        attachment.save()
        event_append(
            complaint=complaint,
            actor=actor,
            action=ActionCode.ATTACH,
            data={"attachment": attachment.pk, "kind": kind, "name": name},
            at=now,
        )
    return attachment, True
