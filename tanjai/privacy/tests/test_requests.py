"""A person's requests about their data, handled by the data protection officer: found by
each identifier, a copy of what is held (and nothing of anyone else), a rectification, an
objection to notices, each step logged, with a deadline counted from receipt."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tanjai.complaints.errors import Conflict, Forbidden, InvalidInput
from tanjai.complaints.models import Complaint
from tanjai.notifications.models import Notification, NotificationStatus
from tanjai.privacy.models import (
    NoticeObjection,
    RequestDeadline,
    RequestKind,
    RequestStatus,
    RequestStep,
    StepKind,
)
from tanjai.privacy.person import PersonKeys
from tanjai.privacy.selectors import person_matches, requests_overdue
from tanjai.privacy.services import (
    request_carry_out,
    request_confirm,
    request_copy,
    request_create,
    request_preview,
    request_refuse,
)
from tanjai.privacy.tests.conftest import SOMCHAI, SOMSRI, texts_holding

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")


def _confirm_all(dpo, request):
    matches = request_preview(actor=dpo, request=request)
    return request_confirm(
        actor=dpo,
        request=request,
        complaint_ids=[m.obj.pk for m in matches.complaints],
        import_row_ids=[m.obj.pk for m in matches.import_rows],
        conversation_ids=[m.obj.pk for m in matches.conversations],
    )


@pytest.mark.parametrize(
    ("given", "found"),
    [
        ({"phone": "+66 81 234 5678"}, {"by_phone"}),
        ({"phone": "๐๘๑-๒๓๔-๕๖๗๘"}, {"by_phone"}),
        ({"email": "SOMCHAI.JAIDEE@example.com"}, {"by_email"}),
        ({"line_user_id": SOMCHAI["line"]}, {"by_line"}),
        ({"account_no": "123-456-7890"}, {"by_phone"}),
        # The name without its title, with other spacing: both of his named complaints.
        ({"name": "คุณสมชาย  ใจดี"}, {"by_phone", "by_email"}),
        ({"name": "สมชาย"}, set()),  # a first name alone is not the person
    ],
)
def test_a_person_is_found_by_each_identifier_exact_and_normalised(world, given, found):
    matches = person_matches(keys=PersonKeys.of(**given))
    expected = {getattr(world, name).tracking_no for name in found}
    assert {m.obj.tracking_no for m in matches.complaints} == expected
    assert world.other.tracking_no not in {m.obj.tracking_no for m in matches.complaints}


def test_a_name_is_compared_without_its_title_spacing_or_case(db, register):
    spaced = register(customer={"name": "สมชาย   ใจดี", "phone": "0811111111"})
    latin = register(customer={"name": "Mr. Somchai JAIDEE", "phone": "0822222222"})
    thai = person_matches(keys=PersonKeys.of(name="นายสมชาย ใจดี")).complaints
    assert [m.obj.pk for m in thai] == [spaced.pk] and thai[0].keys == ["name"]
    english = person_matches(keys=PersonKeys.of(name="somchai jaidee")).complaints
    assert [m.obj.pk for m in english] == [latin.pk]


def test_rejected_import_rows_and_unsent_chats_are_found_too(world):
    by_phone = person_matches(keys=PersonKeys.of(phone="0812345678"))
    assert [m.obj.pk for m in by_phone.import_rows] == [world.import_row.pk]
    assert by_phone.import_rows[0].keys == ["phone"]
    by_name = person_matches(keys=PersonKeys.of(name="สมชาย ใจดี"))
    assert [m.obj.pk for m in by_name.import_rows] == [world.import_row.pk]
    by_line = person_matches(keys=PersonKeys.of(line_user_id=SOMCHAI["line"]))
    assert [m.obj.pk for m in by_line.conversations] == [world.conversation.pk]


def test_the_copy_holds_everything_about_the_person_and_nothing_of_another(world, dpo):
    request = request_create(
        actor=dpo,
        kind=RequestKind.ACCESS,
        keys=PersonKeys.of(
            phone="081-234-5678", email=SOMCHAI["email"], line_user_id=SOMCHAI["line"]
        ),
    )
    _confirm_all(dpo, request)
    with pytest.raises(Conflict):
        request_carry_out(actor=dpo, request=request)  # not before the copy is made
    name, content = request_copy(actor=dpo, request=request)
    assert name.startswith(request.number) and name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(content))
    data = json.loads(archive.read("data.json"))
    assert data["format"] == "tanjai-pdpa-copy/1"
    numbers = {c["tracking_no"] for c in data["complaints"]}
    assert numbers == {
        world.by_phone.tracking_no,
        world.by_email.tracking_no,
        world.by_line.tracking_no,
    }
    phone = next(c for c in data["complaints"] if c["tracking_no"] == world.by_phone.tracking_no)
    assert phone["customer"]["phone"] == "0812345678"
    assert phone["satisfaction"]["score"] == 5 and "พอใจมาก" in phone["satisfaction"]["comment"]
    # The timeline as the tracking page shows it: the plan told, never the internal notes.
    timeline = json.dumps(phone["timeline"], ensure_ascii=False)
    assert "ช่างจะเปลี่ยนท่อ" in timeline and "ไม่รับสาย" not in timeline
    assert "chonburi_centre" not in json.dumps(phone, ensure_ascii=False)
    sent = Notification.objects.filter(complaint=world.by_phone, to_customer=True).exclude(body="")
    assert len(phone["notices"]) == sent.count() > 0
    email = next(c for c in data["complaints"] if c["tracking_no"] == world.by_email.tracking_no)
    assert email["messages"][0]["text"] == "ยังไม่ไหลเลยครับ สมชาย 081-234-5678"
    (document,) = email["attachments"]
    assert archive.read(document["file"]) == world.document.file.open("rb").read()
    assert [r["row"] for r in data["rejected_import_rows"]] == [7]
    assert data["unsent_chats"][0]["description"] == "น้ำไม่ไหลอีกแล้ว"
    assert "README.txt" in archive.namelist()
    # Nothing of Somsri anywhere in the file.
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8", "replace")
    for value in (SOMSRI["name"], "สมศรี", SOMSRI["phone"], SOMSRI["email"], "0899990000"):
        assert value not in everything
    request_carry_out(actor=dpo, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE and request.completed_at is not None
    steps = list(RequestStep.objects.filter(request=request).values_list("step", flat=True))
    assert steps == [
        StepKind.RECEIVED,
        StepKind.PREVIEWED,
        StepKind.CONFIRMED,
        StepKind.COPY_MADE,
        StepKind.CARRIED_OUT,
    ]
    made = RequestStep.objects.get(request=request, step=StepKind.COPY_MADE)
    assert made.detail["sha256"] == hashlib.sha256(content).hexdigest()
    assert made.actor_label == "dpo"
    # The log keeps counts and tracking numbers, never the person's values.
    log = json.dumps(list(RequestStep.objects.filter(request=request).values("detail")))
    assert "0812345678" not in log and "somchai" not in log


def test_only_what_matched_may_be_confirmed(world, dpo):
    request = request_create(
        actor=dpo, kind=RequestKind.ACCESS, keys=PersonKeys.of(phone="0812345678")
    )
    with pytest.raises(InvalidInput):
        request_confirm(actor=dpo, request=request, complaint_ids=[world.other.pk])
    with pytest.raises(InvalidInput):
        request_confirm(actor=dpo, request=request, complaint_ids=[])


def test_rectification_corrects_the_confirmed_complaints_and_is_recorded(world, dpo):
    request = request_create(
        actor=dpo,
        kind=RequestKind.RECTIFY,
        keys=PersonKeys.of(name="สมชาย ใจดี"),
        corrections={"name": "สมชาย ใจงาม", "phone": "089-111-2222", "address": "99 ถนนใหม่"},
    )
    matches = request_preview(actor=dpo, request=request)
    assert {m.obj.pk for m in matches.complaints} == {world.by_phone.pk, world.by_email.pk}
    request_confirm(actor=dpo, request=request, complaint_ids=[world.by_email.pk])
    before = Complaint.objects.get(pk=world.by_email.pk).version
    result = request_carry_out(actor=dpo, request=request)
    corrected = Complaint.objects.get(pk=world.by_email.pk)
    assert (corrected.customer_name, corrected.customer_phone, corrected.address) == (
        "สมชาย ใจงาม",
        "0891112222",
        "99 ถนนใหม่",
    )
    assert corrected.customer_email == "somchai.jaidee@example.com"  # not asked: unchanged
    assert corrected.version == before + 1
    # Only what was confirmed: the other match and Somsri stay as they were.
    assert Complaint.objects.get(pk=world.by_phone.pk).customer_name == "นาย สมชาย ใจดี"
    assert Complaint.objects.get(pk=world.other.pk).customer_name == "สมศรี มีสุข"
    step = RequestStep.objects.get(request=request, step=StepKind.CARRIED_OUT)
    assert step.detail["corrected"] == {
        world.by_email.tracking_no: ["customer_name", "customer_phone", "address"]
    }
    assert result["corrected"] == step.detail["corrected"]
    with pytest.raises(Conflict):
        request_carry_out(actor=dpo, request=request)  # done once, not twice


def test_a_rectification_needs_a_valid_corrected_value(dpo):
    keys = PersonKeys.of(phone="0812345678")
    with pytest.raises(InvalidInput) as refused:
        request_create(actor=dpo, kind=RequestKind.RECTIFY, keys=keys, corrections={})
    assert "corrections" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        request_create(actor=dpo, kind=RequestKind.RECTIFY, keys=keys, corrections={"phone": "12"})
    assert "phone" in refused.value.errors


def test_an_objection_stops_every_notice_to_the_person_now_and_later(
    world, dpo, register, advance, persona
):
    from tanjai.notifications.customer import notice_resend
    from tanjai.notifications.selectors import telephone_tasks

    fresh = register(customer={"name": "สมชาย ใจดี", "phone": "0812345678"})
    waiting = Notification.objects.filter(complaint=fresh, to_customer=True)
    assert waiting.exists()  # the registration's notice, sent or to tell, before objecting
    Notification.objects.filter(complaint=fresh, to_customer=True).update(
        status=NotificationStatus.PENDING
    )
    request = request_create(
        actor=dpo, kind=RequestKind.OBJECT, keys=PersonKeys.of(phone="0812345678")
    )
    request_confirm(actor=dpo, request=request, complaint_ids=[fresh.pk])
    result = request_carry_out(actor=dpo, request=request)
    assert result["notices_withdrawn"] >= 1
    assert set(waiting.values_list("status", flat=True)) == {NotificationStatus.FAILED}
    assert NoticeObjection.objects.filter(kind="phone", value="0812345678").exists()
    notice = waiting.first()
    assert notice is not None and notice_resend(notification=notice) is False
    count = Notification.objects.filter(to_customer=True).count()
    # The process goes on; the customer hears nothing, by SMS or by a telephone task.
    advance(fresh, "close")
    later = register(customer={"name": "สมชาย ใจดี", "phone": "081 234 5678"})
    assert Notification.objects.filter(to_customer=True).count() == count
    assert (
        not telephone_tasks(actor=persona("chonburi_centre"))
        .filter(complaint__in=[fresh, later])
        .exists()
    )
    # Someone else still hears of their complaint.
    somsri = register(customer={"name": "สมศรี มีสุข", "phone": "0899990000"})
    assert Notification.objects.filter(complaint=somsri, to_customer=True).exists()


def test_nothing_held_is_an_answer_too(world, dpo):
    request = request_create(
        actor=dpo, kind=RequestKind.ERASE, keys=PersonKeys.of(phone="0800000000")
    )
    assert request_preview(actor=dpo, request=request).counts() == {
        "complaints": 0,
        "import_rows": 0,
        "conversations": 0,
    }
    request_confirm(actor=dpo, request=request, complaint_ids=[])
    assert request_carry_out(actor=dpo, request=request)["complaints"] == 0
    assert texts_holding(["0812345678"])  # nobody else's data was touched


def test_a_refusal_closes_the_request_with_its_reason(world, dpo):
    request = request_create(
        actor=dpo, kind=RequestKind.ERASE, keys=PersonKeys.of(phone="0812345678")
    )
    with pytest.raises(InvalidInput):
        request_refuse(actor=dpo, request=request, reason=" ")
    request_refuse(actor=dpo, request=request, reason="คดียังไม่สิ้นสุด ต้องเก็บไว้")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and "คดี" in request.refusal_reason
    assert Complaint.objects.get(pk=world.by_phone.pk).customer_phone == "0812345678"
    with pytest.raises(Conflict):
        request_confirm(actor=dpo, request=request, complaint_ids=[world.by_phone.pk])


def test_only_the_data_protection_officer_handles_requests(world, persona, dpo):
    keys = PersonKeys.of(phone="0812345678")
    for name in ("admin", "call_centre", "chonburi_manager", "analyst"):
        with pytest.raises(Forbidden):
            request_create(actor=persona(name), kind=RequestKind.ACCESS, keys=keys)
    request = request_create(actor=dpo, kind=RequestKind.ACCESS, keys=keys)
    with pytest.raises(Forbidden):
        request_preview(actor=persona("admin"), request=request)


def test_the_deadline_is_30_days_from_receipt_and_is_data(dpo):
    keys = PersonKeys.of(phone="0812345678")
    received = datetime(2026, 11, 2, 10, 0, tzinfo=BANGKOK)
    with time_machine.travel(received, tick=False):
        request = request_create(actor=dpo, kind=RequestKind.ACCESS, keys=keys)
        late = request_create(
            actor=dpo,
            kind=RequestKind.ERASE,
            keys=keys,
            received_at=received - timedelta(days=3),  # arrived by letter three days ago
        )
    assert request.due_at == received + timedelta(days=30)
    assert late.due_at == received + timedelta(days=27)
    assert not requests_overdue(now=received + timedelta(days=26)).exists()
    assert list(requests_overdue(now=received + timedelta(days=28))) == [late]
    assert set(requests_overdue(now=received + timedelta(days=30, minutes=1))) == {request, late}
    with time_machine.travel(received + timedelta(days=31), tick=False):
        request_refuse(actor=dpo, request=late, reason="ไม่ใช่เจ้าของข้อมูล")
        assert list(requests_overdue()) == [request]  # a closed request is not overdue
    RequestDeadline.objects.update_or_create(kind=RequestKind.OBJECT, defaults={"days": 10})
    with time_machine.travel(received, tick=False):
        objection = request_create(actor=dpo, kind=RequestKind.OBJECT, keys=keys)
    assert objection.due_at == received + timedelta(days=10)
    with pytest.raises(InvalidInput):
        request_create(
            actor=dpo,
            kind=RequestKind.ACCESS,
            keys=keys,
            received_at=timezone.now() + timedelta(days=1),
        )
    with pytest.raises(InvalidInput):
        request_create(actor=dpo, kind=RequestKind.ACCESS, keys=PersonKeys.of())


def test_every_look_up_is_in_the_personal_data_access_log(world, dpo):
    from tanjai.accounts.models import PersonalDataAccess

    request = request_create(
        actor=dpo, kind=RequestKind.ACCESS, keys=PersonKeys.of(phone="0812345678")
    )
    request_preview(actor=dpo, request=request)
    logged = PersonalDataAccess.objects.filter(user_id=dpo.user_id, via="privacy")
    assert list(logged.values_list("complaint_id", "purpose")) == [
        (world.by_phone.pk, request.number)
    ]
