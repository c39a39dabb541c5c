"""A data protection officer, and two citizens with what Tanjai holds about them: Somchai
(complaints by telephone and by e-mail, a LINE complaint, a document and a photo with EXIF,
a rejected import row, an unsent chat) and Somsri, who must never appear in his answers."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.utils import timezone

from tanjai.accounts.scope import Actor

SOMCHAI = {
    "name": "สมชาย ใจดี",
    "phone": "0812345678",
    "email": "somchai.jaidee@example.com",
    "line": "U4f3a9c0d1e2b",
    "account": "1234567890",
}
SOMSRI = {"name": "สมศรี มีสุข", "phone": "0899990000", "email": "somsri@example.com"}


def jpeg_with_exif(artist: str) -> bytes:
    """A photo as a phone takes it: the owner's name and the GPS position in its EXIF."""
    from PIL import Image

    image = Image.new("RGB", (40, 30), (30, 120, 200))
    exif = Image.Exif()
    exif[0x013B] = artist  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (13.0, 21.0, 36.0)
    gps[3], gps[4] = "E", (100.0, 58.0, 48.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@dataclass
class World:
    by_phone: Any  # a telephone complaint, taken through the whole process
    by_email: Any  # an e-mail complaint with a reply from the customer
    by_line: Any  # a LINE complaint
    other: Any  # Somsri's complaint
    import_row: Any
    other_row: Any
    conversation: Any
    photo: Any
    document: Any
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def dpo(db) -> Actor:
    from tanjai.accounts.scope import actor_for
    from tanjai.accounts.services import user_create
    from tanjai.conftest import PASSWORD

    return actor_for(user_create(username="dpo", role="dpo", scope="org", password=PASSWORD))


@pytest.fixture
def world(db, register, advance, persona) -> World:
    from tanjai.channels.conversation import channel_actor
    from tanjai.channels.models import Conversation, ImportBatch, ImportFormat, ImportRow
    from tanjai.complaints.attachments import attachment_add
    from tanjai.complaints.models import Attachment, AttachmentKind
    from tanjai.complaints.services import complaint_act, event_append
    from tanjai.portal.survey import survey_answer

    centre = persona("chonburi_centre")
    by_phone = register(
        description="คุณสมชาย ใจดี แจ้งว่าน้ำไม่ไหล โทรกลับ 081-234-5678 หรือ "
        "somchai.jaidee@example.com บ้านเลขที่ 12/3",
        customer={"name": "นาย สมชาย ใจดี", "phone": "081-234-5678", "account_no": "1234567890"},
    )
    advance(by_phone, "dispatch")
    complaint_act(
        tracking_no=by_phone.tracking_no,
        actor=centre,
        action="inform_customer",
        data={
            "plan": "แจ้งคุณสมชาย ใจดี ว่าช่างจะเปลี่ยนท่อหน้าบ้าน",
            "promised_at": (timezone.now() + timezone.timedelta(hours=20)).isoformat(),
            "contact_method": "phone",
        },
    )
    complaint_act(
        tracking_no=by_phone.tracking_no,
        actor=centre,
        action="contact_log",
        data={"customer_reached": False, "note": "โทรหาคุณสมชายที่ 0812345678 ไม่รับสาย"},
    )
    complaint_act(
        tracking_no=by_phone.tracking_no,
        actor=persona("chonburi_tech"),
        action="report_fixed",
        data={"result": "เปลี่ยนท่อหน้าบ้านคุณสมชายแล้ว"},
    )
    complaint_act(tracking_no=by_phone.tracking_no, actor=centre, action="verify", data={})
    complaint_act(
        tracking_no=by_phone.tracking_no,
        actor=centre,
        action="close",
        data={"customer_reached": False},
    )
    by_phone.refresh_from_db()
    survey_answer(complaint=by_phone, score=5, comment="ช่างสุภาพ สมชาย ใจดี พอใจมาก", channel="web")
    email_actor = channel_actor("email")
    by_email = register(
        channel="email",
        subcategory="low_pressure",
        description="น้ำไหลอ่อนมาก ติดต่อ somchai.jaidee@example.com",
        customer={"name": "สมชาย ใจดี", "email": "Somchai.Jaidee@Example.com"},
        location={"address": "12/3 ซอยวัดใหม่", "province": "ชลบุรี", "district": "เมืองชลบุรี"},
    )
    event_append(
        complaint=by_email,
        actor=email_actor,
        action="customer_message",
        note="ยังไม่ไหลเลยครับ สมชาย 081-234-5678",
        data={"channel": "email", "subject": "Re: สมชาย ใจดี ร้องเรียน"},
    )
    document, _ = attachment_add(
        actor=email_actor,
        tracking_no=by_email.tracking_no,
        upload=_named(
            "%PDF-1.4\nสมชาย ใจดี 0812345678\n".encode().ljust(200, b"0"), "สมชาย_บัตร.pdf"
        ),
        kind=AttachmentKind.DOCUMENT,
        now=timezone.now(),
    )
    # A photo stored before uploads were stripped of EXIF: it still carries the owner's name.
    raw = jpeg_with_exif("Somchai Jaidee 0812345678")
    photo = Attachment(
        complaint=by_phone,
        kind=AttachmentKind.PHOTO_BEFORE,
        original_name="สมชาย_หน้าบ้าน.jpg",
        content_type="image/jpeg",
        size=len(raw),
        sha256="a" * 64,
    )
    photo.file.save("สมชาย_หน้าบ้าน.jpg", ContentFile(raw), save=False)
    photo.save()
    by_line = register(
        channel="line",
        description="ท่อแตกหน้าบ้าน",
        customer={"line_user_id": SOMCHAI["line"]},
    )
    other = register(
        description="น้ำขุ่น คุณสมศรี มีสุข โทร 089-999-0000",
        customer={"name": "สมศรี มีสุข", "phone": "089-999-0000", "email": SOMSRI["email"]},
        location={"address": "45 ถนนสุขุมวิท", "lat": 13.1, "lon": 100.9},
    )
    batch = ImportBatch.objects.create(
        format=ImportFormat.objects.first(),
        file_name="gcc1111-2569-11.csv",
        sha256="b" * 64,
        status="done",
        finished_at=timezone.now(),
    )
    import_row = ImportRow.objects.create(
        batch=batch,
        row_no=7,
        external_ref="GCC-7",
        outcome="rejected",
        reasons=["เบอร์โทรศัพท์: 08-1234-5678 ไม่ใช่สาขาที่รู้จัก"],
        values={"ผู้ร้อง": "นายสมชาย ใจดี", "โทรศัพท์": "08-1234-5678", "เรื่อง": "น้ำไม่ไหล"},
    )
    other_row = ImportRow.objects.create(
        batch=batch,
        row_no=8,
        outcome="rejected",
        reasons=["ไม่มีสาขา"],
        values={"ผู้ร้อง": "สมศรี มีสุข", "โทรศัพท์": "0899990000"},
    )
    conversation = Conversation.objects.create(
        provider="line",
        user_id=SOMCHAI["line"],
        step="photos",
        category="supply",
        description="น้ำไม่ไหลอีกแล้ว",
        address="หน้าบ้านสมชาย",
    )
    return World(
        by_phone=by_phone,
        by_email=by_email,
        by_line=by_line,
        other=other,
        import_row=import_row,
        other_row=other_row,
        conversation=conversation,
        photo=photo,
        document=document,
    )


def _named(content: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name  # type: ignore[attr-defined]
    return upload


def texts_holding(values: list[str], *, skip: Callable[[Any], bool] = lambda m: False) -> list[str]:
    """Every row of every table, every column, searched for the values: "Model.pk: value"."""
    found = []
    for model in apps.get_models():
        if skip(model):
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.values(*columns):
            text = json.dumps(row, ensure_ascii=False, default=str)
            found += [f"{model.__name__}.{row.get('id')}: {v}" for v in values if v in text]
    return found


def files_holding(root: Path, values: list[str]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            found += [f"{path.name}: {v}" for v in values if v.encode() in content]
            found += [f"{path.name}: {v}" for v in values if v in path.name]
    return found
