"""Notices to customers go out through the real transports (urllib for the SMS gateway,
LINE's own SDK for pushes) to local servers that speak those protocols, run by the real
database worker; and the satisfaction survey their closing notice links to."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.services import complaint_act
from tanjai.conftest import PASSWORD
from tanjai.core.worker import inprocess_worker
from tanjai.notifications.models import NoticeTemplate, Notification, NotificationStatus
from tanjai.testing.servers import line_api, sms_gateway

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    inprocess_worker(worker_id="test", batch=True).run()


@pytest.fixture
def sms(settings):
    with sms_gateway() as gateway:
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_GATEWAY_TOKEN = gateway.token
        yield gateway


@pytest.fixture
def line(settings):
    with line_api() as api:
        settings.LINE_API_BASE = api.url
        settings.LINE_CHANNEL_ACCESS_TOKEN = api.token
        yield api


def test_the_customer_is_told_the_number_the_plan_the_fix_and_the_closing_by_sms(
    reseed, register, persona, advance, sms
):
    complaint = register()
    run_worker()
    assert len(sms.delivered) == 1
    first = sms.delivered[0].body
    assert first["to"] == "0812345678" and complaint.tracking_no in first["text"]
    advance(complaint, "dispatch")
    complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="inform_customer",
        data={
            "plan": "ช่างจะเปลี่ยนท่อช่วงหน้าบ้าน",
            "promised_at": (timezone.now() + timedelta(hours=6)).isoformat(),
            "contact_method": "phone",
        },
    )
    run_worker()
    assert "ช่างจะเปลี่ยนท่อช่วงหน้าบ้าน" in sms.delivered[1].body["text"]
    for action, who, data in [
        ("report_fixed", "chonburi_tech", {"result": "เปลี่ยนท่อแล้ว"}),
        ("verify", "chonburi_centre", {}),
        ("close", "chonburi_centre", {"customer_reached": True, "satisfaction": 5}),
    ]:
        complaint_act(
            tracking_no=complaint.tracking_no, actor=persona(who), action=action, data=data
        )
    run_worker()  # the score was asked on the telephone at closing: no survey link
    texts = [r.body["text"] for r in sms.delivered]
    assert len(texts) == 4 and "แก้ไขเรียบร้อยแล้ว" in texts[2] and "ปิด" not in texts[0]
    assert "/survey/" not in texts[3]
    notices = Notification.objects.filter(complaint=complaint, to_customer=True)
    assert {n.status for n in notices} == {NotificationStatus.SENT} and notices.count() == 4


def test_an_answer_lost_on_the_way_is_not_sent_twice(reseed, register, sms):
    sms.fail_after_accepting = 1  # the gateway takes the message, its answer is lost
    complaint = register()
    run_worker()
    notice = Notification.objects.get(complaint=complaint, to_customer=True)
    assert notice.status == NotificationStatus.PENDING and notice.attempts == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        from tanjai.notifications.tasks import notifications_retry

        notifications_retry.enqueue()
        run_worker()
    notice.refresh_from_db()
    assert notice.status == NotificationStatus.SENT
    assert len(sms.requests) == 2 and len(sms.delivered) == 1  # one SMS on the customer's phone
    assert sms.requests[0].headers["idempotency-key"] == sms.requests[1].headers["idempotency-key"]


def test_a_line_complaint_is_answered_on_line_with_the_sdk(
    reseed, register, persona, advance, sms, line
):
    complaint = register(
        channel="line",
        customer={"name": "ลูกค้า LINE", "phone": "0812345678", "line_user_id": "U" + "a" * 32},
    )
    run_worker()
    assert line.delivered == [] and sms.requests == []  # the chat's answer gave the number
    advance(complaint, "dispatch")
    complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="inform_customer",
        data={
            "plan": "ช่างจะเข้าซ่อมบ่ายนี้",
            "promised_at": (timezone.now() + timedelta(hours=6)).isoformat(),
            "contact_method": "line",
        },
    )
    run_worker()
    assert sms.requests == [] and len(line.delivered) == 1  # LINE first, not SMS
    push = line.delivered[0]
    assert "ช่างจะเข้าซ่อมบ่ายนี้" in push.body["messages"][0]["text"]
    assert push.body["to"] == "U" + "a" * 32
    assert complaint.tracking_no in push.body["messages"][0]["text"]
    assert re.fullmatch(r"[0-9a-f-]{36}", push.headers["x-line-retry-key"])
    assert push.headers["authorization"] == f"Bearer {line.token}"


def test_no_notice_to_an_anonymous_complainant(reseed, register, sms):
    register(anonymous=True, customer=None, category="service_conduct", subcategory="misconduct")
    run_worker()
    assert sms.requests == [] and not Notification.objects.filter(to_customer=True).exists()


def test_the_words_are_data_and_email_is_the_last_resort(reseed, register, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    NoticeTemplate.objects.create(
        event="registered", channel="email", subject="เลขที่ {{ tracking_no }}", body="สวัสดี"
    )
    complaint = register(customer={"name": "คุณเอ", "email": "a@example.test"})
    run_worker()
    sent = [m for m in mail.outbox if m.to == ["a@example.test"]]
    assert len(sent) == 1 and sent[0].subject == f"เลขที่ {complaint.tracking_no}"
    assert sent[0].body == "สวัสดี"


def test_a_failed_notice_is_shown_to_the_centre_and_sent_again(reseed, register, sms):
    sms.refuse = 5
    complaint = register()
    for minutes in (0, 3, 8, 17, 34):
        with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False):
            from tanjai.notifications.tasks import notifications_retry

            notifications_retry.enqueue()
            run_worker()
    notice = Notification.objects.get(complaint=complaint, to_customer=True)
    assert notice.status == NotificationStatus.FAILED and "503" in notice.last_error
    client = Client()
    assert client.login(username="chonburi_centre", password=PASSWORD)
    page = client.get(f"/staff/complaints/{complaint.tracking_no}/").content.decode()
    assert "ส่งอีกครั้ง" in page and "503" in page
    client.post(f"/staff/complaints/{complaint.tracking_no}/notices/{notice.pk}/resend/")
    run_worker()
    notice.refresh_from_db()
    assert notice.status == NotificationStatus.SENT and len(sms.delivered) == 1
    # Someone outside the branch cannot.
    other = Client()
    assert other.login(username="khonkaen_centre", password=PASSWORD)
    url = f"/staff/complaints/{complaint.tracking_no}/notices/{notice.pk}/resend/"
    assert other.post(url).status_code == 404


def _closed_without_a_score(complaint, persona, advance):
    advance(complaint, "verify")
    return complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="close",
        data={"customer_reached": False},
    )


def test_the_survey_link_takes_one_answer_and_a_low_score_alerts_the_branch(
    reseed, register, persona, advance, sms, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    complaint = _closed_without_a_score(register(), persona, advance)
    run_worker()
    closing = sms.delivered[-1].body["text"]
    path = re.search(r"https?://[^/]+(/survey/[^/\s]+/)", closing).group(1)
    citizen = Client()
    assert "1 = ไม่พอใจมาก" in citizen.get(path).content.decode()
    assert citizen.post(path, {"score": "9"}).status_code == 400
    assert citizen.post(path, {"score": "2", "comment": "รอนานมาก"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.satisfaction == 2
    answered = Event.objects.get(complaint=complaint, action="survey_answered")
    assert answered.data == {"score": 2, "channel": "web"} and answered.actor_id is None
    alerted = Notification.objects.filter(event=answered, channel="inbox")
    assert {n.user.username for n in alerted} >= {"chonburi_manager", "chonburi_centre"}
    # One answer per complaint: a second is not taken.
    citizen.post(path, {"score": "5"})
    complaint.refresh_from_db()
    assert complaint.satisfaction == 2
    assert Event.objects.filter(action="survey_answered").count() == 1
    # The centre sees it and is offered to reopen.
    staff = Client()
    assert staff.login(username="chonburi_centre", password=PASSWORD)
    page = staff.get(f"/staff/complaints/{complaint.tracking_no}/").content.decode()
    assert "ไม่พอใจ" in page and "/actions/reopen/" in page


def test_an_altered_or_expired_survey_link_is_refused(reseed, register, persona, advance, sms):
    complaint = _closed_without_a_score(register(), persona, advance)
    run_worker()
    path = re.search(r"https?://[^/]+(/survey/[^/\s]+/)", sms.delivered[-1].body["text"]).group(1)
    assert Client().get(path[:-3] + "xx/").status_code == 410
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        assert Client().post(path, {"score": "5"}).status_code == 410
    assert Complaint.objects.get(pk=complaint.pk).satisfaction is None


def test_a_broken_template_falls_back_to_the_built_in_words(reseed, register, sms):
    from tanjai.notifications.admin import NoticeTemplateForm

    NoticeTemplate.objects.filter(event="registered").update(body="{% if %}broken")
    complaint = register()  # the action is not held back by the template
    run_worker()
    assert complaint.tracking_no in sms.delivered[0].body["text"]
    form = NoticeTemplateForm(
        data={
            "event": "fixed",
            "channel": "sms",
            "subject": "",
            "body": "{% if %}x",
            "active": "on",
        }
    )
    assert not form.is_valid()
