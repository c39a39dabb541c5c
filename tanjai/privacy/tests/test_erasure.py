"""Erasure: the person's complaints are anonymised everywhere (every text column of every
table, every stored file), while the statistics and the event log's shape stay; on
PostgreSQL the event log's trigger lets only this audited path through."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from PIL import Image

from tanjai.complaints.models import Attachment, Complaint, Event
from tanjai.privacy.models import (
    AnonymisedComplaint,
    DataSubjectRequest,
    EventRedaction,
    RequestKind,
    RequestStatus,
)
from tanjai.privacy.person import PersonKeys
from tanjai.privacy.services import (
    request_carry_out,
    request_confirm,
    request_create,
    request_preview,
)
from tanjai.privacy.tests.conftest import SOMCHAI, SOMSRI, files_holding, texts_holding

pytestmark = pytest.mark.django_db

# Every way his data may be written: as stored, as typed, in parts.
HIS = [
    "0812345678",
    "081-234-5678",
    "08-1234-5678",
    "สมชาย",
    "ใจดี",
    "somchai.jaidee@example.com",
    "Somchai.Jaidee",
    "Somchai Jaidee",
    SOMCHAI["line"],
    "1234567890",
    "12/3",
]
STATISTICS = [
    "status",
    "channel_id",
    "category_id",
    "subcategory_id",
    "branch_id",
    "region_id",
    "unit_id",
    "priority",
    "received_at",
    "forwarded_at",
    "dispatched_at",
    "informed_at",
    "promised_at",
    "fixed_at",
    "verified_at",
    "closed_at",
    "ended_at",
    "inform_due_at",
    "resolve_due_at",
    "customer_reached",
    "satisfaction",
    "reopen_count",
    "district",
    "province",
]


def _shape(complaint_ids: list[int]) -> list[tuple]:
    return list(
        Event.objects.filter(complaint_id__in=complaint_ids)
        .order_by("pk")
        .values_list("pk", "complaint_id", "at", "action", "from_state", "to_state", "actor_id")
    )


def _erase(dpo, world) -> tuple[DataSubjectRequest, dict]:
    request = request_create(
        actor=dpo,
        kind=RequestKind.ERASE,
        keys=PersonKeys.of(
            name="สมชาย ใจดี",
            phone="0812345678",
            email=SOMCHAI["email"],
            line_user_id=SOMCHAI["line"],
        ),
    )
    matches = request_preview(actor=dpo, request=request)
    request_confirm(
        actor=dpo,
        request=request,
        complaint_ids=[m.obj.pk for m in matches.complaints],
        import_row_ids=[m.obj.pk for m in matches.import_rows],
        conversation_ids=[m.obj.pk for m in matches.conversations],
    )
    result = request_carry_out(actor=dpo, request=request)
    return request, result


def test_erasure_leaves_no_personal_value_anywhere_and_keeps_the_statistics(
    world, dpo, django_capture_on_commit_callbacks
):
    his = [world.by_phone.pk, world.by_email.pk, world.by_line.pk]
    stats_before = list(
        Complaint.objects.filter(pk__in=his).order_by("pk").values_list(*STATISTICS)
    )
    shape_before = _shape(his)
    cells_before = [
        (c.lat // 0.05, c.lon // 0.05)
        for c in Complaint.objects.filter(pk__in=his, lat__isnull=False)
    ]
    assert texts_holding(HIS)  # the test sees his data before it is erased
    assert files_holding(settings.MEDIA_ROOT, ["Somchai Jaidee", "สมชาย ใจดี"])

    with django_capture_on_commit_callbacks(execute=True):
        request, result = _erase(dpo, world)

    assert result["complaints"] == 3 and result["import_rows"] == 1
    assert result["conversations"] == 1 and result["documents"] == 1 and result["photos"] == 1
    assert texts_holding(HIS) == []
    assert files_holding(settings.MEDIA_ROOT, HIS) == []
    # The statistics, the events (all of them, same actions, states, actors and times).
    stats_after = list(Complaint.objects.filter(pk__in=his).order_by("pk").values_list(*STATISTICS))
    assert stats_after == stats_before
    assert _shape(his) == shape_before
    # The pin moved to the middle of its report grid cell: the reports' map is unchanged.
    cells_after = [
        (c.lat // 0.05, c.lon // 0.05)
        for c in Complaint.objects.filter(pk__in=his, lat__isnull=False)
    ]
    assert cells_after == cells_before
    # The words that stay are the problem's; personal text is replaced, not emptied away.
    phone = Complaint.objects.get(pk=world.by_phone.pk)
    assert "น้ำไม่ไหล" in phone.description and "[" in phone.description
    plan = Event.objects.get(complaint=phone, action="inform_customer").data["plan"]
    assert "ช่างจะเปลี่ยนท่อหน้าบ้าน" in plan
    # The photo of the problem stays, without its EXIF; the document is gone.
    photo = Attachment.objects.get(pk=world.photo.pk)
    with photo.file.open("rb") as stored, Image.open(io.BytesIO(stored.read())) as image:
        assert dict(image.getexif()) in ({}, {0x0112: 1})
        assert image.size == (40, 30)
    assert not Attachment.objects.filter(pk=world.document.pk).exists()
    # Somsri's complaint and rejected row are untouched.
    assert texts_holding([SOMSRI["name"], "0899990000", SOMSRI["email"]])
    assert Complaint.objects.get(pk=world.other.pk).customer_phone == "0899990000"
    world.other_row.refresh_from_db()
    assert world.other_row.values["ผู้ร้อง"] == "สมศรี มีสุข"
    # Recorded: the request done, each redacted event, each complaint anonymised.
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert request.subject_phone == "…5678" and request.subject_name == "ส… ใ…"
    assert set(AnonymisedComplaint.objects.values_list("complaint_id", flat=True)) == set(his)
    assert EventRedaction.objects.filter(request=request).count() == result["events"] > 0


def test_erasing_again_changes_nothing_more(world, dpo):
    _erase(dpo, world)
    shape = _shape([world.by_phone.pk])
    request = request_create(
        actor=dpo, kind=RequestKind.ERASE, keys=PersonKeys.of(account_no="1234567890")
    )
    # The account number is gone: the person is no longer found by it.
    assert request_preview(actor=dpo, request=request).complaints == []
    assert _shape([world.by_phone.pk]) == shape


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger")
def test_the_event_log_stays_append_only_outside_the_audited_path(world, dpo):
    event = Event.objects.filter(complaint=world.by_phone, action="contact_log").get()

    def update(sql: str, *params: object) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('tanjai.event_redaction', 'on', true)")
            cursor.execute(sql, params)

    # Without a recorded redaction, even with the setting: refused.
    with pytest.raises(DatabaseError, match="append-only"):
        update("UPDATE complaints_event SET note = '' WHERE id = %s", event.pk)
    EventRedaction.objects.create(event=event, at=event.at, fields=["note"])
    # Recorded, but changing the event's shape: refused; deleting: refused.
    with pytest.raises(DatabaseError, match="append-only"):
        update("UPDATE complaints_event SET action = 'close' WHERE id = %s", event.pk)
    with pytest.raises(DatabaseError, match="append-only"):
        update("DELETE FROM complaints_event WHERE id = %s", event.pk)
    # Without the setting: refused.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE complaints_event SET note = '' WHERE id = %s", [event.pk])
    # The narrow path: note and data only, setting on, redaction recorded.
    update("UPDATE complaints_event SET note = 'x' WHERE id = %s", event.pk)
    assert Event.objects.get(pk=event.pk).note == "x"
    # The privacy logs themselves are append-only.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM privacy_eventredaction")


def test_the_django_side_refuses_changing_the_logs(world, dpo):
    from tanjai.privacy.models import RequestStep

    request = request_create(
        actor=dpo, kind=RequestKind.ACCESS, keys=PersonKeys.of(phone="0812345678")
    )
    step = RequestStep.objects.get(request=request)
    with pytest.raises(TypeError):
        step.save()
    with pytest.raises(TypeError):
        RequestStep.objects.filter(request=request).delete()
    with pytest.raises(TypeError):
        RequestStep.objects.filter(request=request).update(step="refused")


def test_a_photo_with_nothing_to_strip_stays_after_erasure(
    world, dpo, persona, django_capture_on_commit_callbacks
):
    """A screenshot, or a LINE photo (LINE strips its metadata itself): erasure keeps it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tanjai.complaints.attachments import attachment_add

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 200)).save(buffer, "PNG")
    clean, _ = attachment_add(
        actor=persona("call_centre"),
        tracking_no=world.by_phone.tracking_no,
        upload=SimpleUploadedFile("สมชาย_มิเตอร์.png", buffer.getvalue()),
        kind="before",
        now=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _erase(dpo, world)
    kept = Attachment.objects.get(pk=clean.pk)
    assert "สมชาย" not in kept.original_name and kept.file.storage.exists(kept.file.name)
    with kept.file.open("rb") as stored, Image.open(io.BytesIO(stored.read())) as image:
        assert image.size == (20, 10)
