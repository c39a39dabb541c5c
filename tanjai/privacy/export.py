"""The copy of a person's data (PDPA section 30), as one ZIP file:

- README.txt: what the file holds, for the person;
- data.json (format "tanjai-pdpa-copy/1"): each complaint confirmed as theirs, with what they
  gave (description, place, contact details), its state and its timeline as the customer
  sees it on the tracking page (never staff names or internal notes), their own messages,
  their survey answer and the notices sent to them; the rows of imported files that were
  rejected and still hold their details; a chat complaint they had not sent yet;
- attachments/: the files they sent (through the public form, LINE, Messenger or e-mail)
  and the documents about them; chats/: the photos of an unsent chat complaint.

Nothing of another person: only what was confirmed as this person's is read."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.complaints.models import ATTACHMENT_EXTENSIONS, Attachment, AttachmentKind, Complaint
from tanjai.complaints.workflow import ActionCode
from tanjai.notifications.models import Notification
from tanjai.portal.models import SurveyAnswer
from tanjai.portal.services import public_state, public_timeline
from tanjai.privacy.models import DataSubjectRequest

FORMAT = "tanjai-pdpa-copy/1"


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _complaint(complaint: Complaint, files: list[tuple[str, Attachment]]) -> dict[str, Any]:
    events = list(complaint.events.all())
    sent = (
        Notification.objects.filter(complaint=complaint, to_customer=True)
        .exclude(body="")
        .order_by("created_at", "id")
    )
    answer = SurveyAnswer.objects.filter(complaint=complaint).first()
    attachments = []
    # What the person sent (no staff account uploaded it) and the documents about them.
    for attachment in complaint.attachments.filter(
        Q(uploaded_by__isnull=True) | Q(kind=AttachmentKind.DOCUMENT)
    ):
        extension = ATTACHMENT_EXTENSIONS.get(attachment.content_type, "bin")
        path = f"attachments/{complaint.tracking_no}/{attachment.pk}.{extension}"
        files.append((path, attachment))
        attachments.append(
            {
                "file": path,
                "name": attachment.original_name,
                "kind": attachment.get_kind_display(),
                "received_at": _when(attachment.uploaded_at),
            }
        )
    return {
        "tracking_no": complaint.tracking_no,
        "channel": complaint.channel.name,
        "category": complaint.category.name,
        "subcategory": complaint.subcategory.name if complaint.subcategory else None,
        "received_at": _when(complaint.received_at),
        "state": str(public_state(complaint)),
        "closed_at": _when(complaint.closed_at),
        "description": complaint.description,
        "place": {
            "address": complaint.address,
            "district": complaint.district,
            "province": complaint.province,
            "lat": complaint.lat,
            "lon": complaint.lon,
        },
        "customer": {
            "name": complaint.customer_name,
            "phone": complaint.customer_phone,
            "other_phone": complaint.customer_phone_alt,
            "email": complaint.customer_email,
            "line_user_id": complaint.customer_line_user_id,
            "messenger_id": complaint.customer_messenger_id,
            "account_no": complaint.customer_account_no,
        },
        "timeline": [
            {"at": _when(step.at), "step": str(step.label), "detail": step.detail}
            for step in public_timeline(complaint)
        ],
        "messages": [
            {"at": _when(e.at), "subject": e.data.get("subject", ""), "text": e.note}
            for e in events
            if e.action == ActionCode.CUSTOMER_MESSAGE
        ],
        "satisfaction": {
            "score": answer.score,
            "comment": answer.comment,
            "answered_at": _when(answer.answered_at),
        }
        if answer
        else ({"score": complaint.satisfaction} if complaint.satisfaction else None),
        "notices": [
            {
                "at": _when(n.created_at),
                "sent_at": _when(n.sent_at),
                "channel": n.channel,
                "to": n.address,
                "subject": n.subject,
                "text": n.body,
                "state": n.get_status_display(),
            }
            for n in sent
        ],
        "attachments": attachments,
    }


def copy_build(*, request: DataSubjectRequest, now: datetime) -> tuple[bytes, dict[str, int]]:
    """The ZIP's bytes and what it holds, counted (for the request's log)."""
    files: list[tuple[str, Attachment]] = []
    complaints = [
        _complaint(c, files)
        for c in request.complaints.select_related("channel", "category", "subcategory")
        .prefetch_related("events")
        .order_by("received_at", "id")
    ]
    rows = [
        {
            "source": row.batch.format.name,
            "imported_at": _when(row.batch.created_at),
            "row": row.row_no,
            "case_number": row.external_ref,
            "values": row.values,
            "reasons": row.reasons,
        }
        for row in request.import_rows.select_related("batch__format").order_by("pk")
    ]
    chats = []
    chat_files: list[tuple[str, str]] = []
    for conversation in request.conversations.order_by("pk"):
        photos = []
        for n, name in enumerate(conversation.photos, start=1):
            path = f"chats/{conversation.pk}-{n}.{name.rsplit('.', 1)[-1]}"
            chat_files.append((path, name))
            photos.append(path)
        chats.append(
            {
                "channel": conversation.provider,
                "updated_at": _when(conversation.updated_at),
                "category": conversation.category,
                "description": conversation.description,
                "address": conversation.address,
                "lat": conversation.lat,
                "lon": conversation.lon,
                "photos": photos,
            }
        )
    data = {
        "format": FORMAT,
        "request": request.number,
        "made_at": _when(now),
        "complaints": complaints,
        "rejected_import_rows": rows,
        "unsent_chats": chats,
    }
    counts = {
        "complaints": len(complaints),
        "notices": sum(len(c["notices"]) for c in complaints),
        "messages": sum(len(c["messages"]) for c in complaints),
        "survey_answers": sum(1 for c in complaints if c["satisfaction"]),
        "import_rows": len(rows),
        "chats": len(chats),
        "files": 0,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(request, now, counts))
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for path, attachment in files:
            try:
                with attachment.file.open("rb") as stored:
                    archive.writestr(path, stored.read())
                counts["files"] += 1
            except OSError:
                continue  # a file lost from storage: the JSON still lists it
        for path, name in chat_files:
            try:
                with default_storage.open(name, "rb") as stored:
                    archive.writestr(path, stored.read())
                counts["files"] += 1
            except OSError:
                continue
    return buffer.getvalue(), counts


def _readme(request: DataSubjectRequest, now: datetime, counts: dict[str, int]) -> str:
    lines = [
        _("A copy of your personal data held by the Provincial Waterworks Authority"),
        _("Request %(number)s, made on %(date)s.")
        % {"number": request.number, "date": f"{timezone.localtime(now):%Y-%m-%d %H:%M}"},
        "",
        _(
            "data.json holds, for each of your complaints: what you told us, the place, your "
            "contact details, the progress as shown on the tracking page, your messages, your "
            "satisfaction answer and the notices we sent you; also rows of imported files that "
            "named you and were not registered, and a chat complaint you had not sent."
        ),
        _("attachments/ holds the files you sent us and the documents about you."),
        "",
        _("Complaints: %(n)s") % {"n": counts["complaints"]},
        _("Notices: %(n)s") % {"n": counts["notices"]},
        _("Rejected import rows: %(n)s") % {"n": counts["import_rows"]},
    ]
    return "\n".join(str(line) for line in lines) + "\n"
