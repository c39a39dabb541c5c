"""A customer no channel reaches is told by telephone, as a task for the centre; the embedded
default keeps its SMS in a local outbox that a person can read; production without a gateway
never pretends to have sent one."""

from __future__ import annotations

import pytest

from tanjai.complaints.errors import WorkflowError
from tanjai.complaints.models import Event
from tanjai.complaints.services import complaint_act
from tanjai.notifications.customer import CALL_ATTEMPTS, notice_told
from tanjai.notifications.models import LocalSms, Notification, NotificationStatus
from tanjai.notifications.tasks import notification_deliver
from tanjai.notifications.transports import TRANSPORTS, sms_backend
from tanjai.portal.survey import survey_complaint

pytestmark = pytest.mark.django_db

WEB = {"channel": "website"}  # no officer spoke with the customer when it was registered


@pytest.fixture
def no_sms(settings):
    """Production without an SMS gateway (DATABASE_URL set, SMS_GATEWAY_URL not)."""
    settings.SMS_GATEWAY_URL = ""
    settings.SMS_BACKEND = ""
    settings.SMS_BACKEND_DEFAULT = "none"


@pytest.fixture
def local_sms(settings):
    """The embedded default: no DATABASE_URL, no gateway."""
    settings.SMS_GATEWAY_URL = ""
    settings.SMS_BACKEND = ""
    settings.SMS_BACKEND_DEFAULT = "local"


def customer_notices(complaint):
    return list(Notification.objects.filter(complaint=complaint, to_customer=True).order_by("id"))


def close_unreached(complaint, persona, advance):
    advance(complaint, "verify")
    return complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="close",
        data={"customer_reached": False},
    )


@pytest.mark.parametrize(
    ("chosen", "url", "default", "expected"),
    [
        ("", "https://sms.example/send", "none", "gateway"),
        ("", "", "local", "local"),  # the embedded default
        ("", "", "none", "none"),  # production without a gateway
        ("gateway", "", "local", "none"),  # a gateway without its address sends nothing
        ("local", "https://sms.example/send", "none", "local"),  # asked for explicitly
        ("none", "https://sms.example/send", "local", "none"),
    ],
)
def test_the_sms_backend_follows_the_settings(settings, chosen, url, default, expected):
    settings.SMS_BACKEND, settings.SMS_GATEWAY_URL = chosen, url
    settings.SMS_BACKEND_DEFAULT = default
    assert sms_backend() == expected


def test_without_an_sms_backend_the_notice_is_a_telephone_task_with_the_words(
    no_sms, register, persona, advance
):
    complaint = register(**WEB)
    (registered,) = customer_notices(complaint)
    assert registered.channel == "phone" and registered.address == "0812345678"
    assert registered.status == NotificationStatus.TO_TELL
    assert complaint.tracking_no in registered.body and "/track" in registered.body
    # Nothing for the worker: a person reads it out.
    assert notification_deliver.call(registered.pk) == "already handled"
    close_unreached(complaint, persona, advance)
    closing = customer_notices(complaint)[-1]
    assert closing.event.action == "close" and closing.status == NotificationStatus.TO_TELL
    assert "/survey/" in closing.body
    token = closing.body.split("/survey/")[1].split("/")[0]
    assert survey_complaint(token).pk == complaint.pk
    fixed = next(n for n in customer_notices(complaint) if n.event.action == "report_fixed")
    assert fixed.status == NotificationStatus.TO_TELL and "แก้ไขเรียบร้อยแล้ว" in fixed.body
    assert not LocalSms.objects.exists()


def test_what_was_said_in_the_conversation_itself_is_not_a_task(no_sms, register, persona, advance):
    complaint = register()  # by telephone to the branch: the officer gave the number
    advance(complaint, "close")  # closed with the customer reached and scored
    by_action = {n.event.action: n for n in customer_notices(complaint)}
    assert by_action["register"].status == NotificationStatus.TOLD
    assert by_action["register"].contact_event_id == by_action["register"].event_id
    assert by_action["close"].status == NotificationStatus.TOLD
    assert by_action["report_fixed"].status == NotificationStatus.TO_TELL


def test_production_without_a_gateway_never_pretends_an_sms_was_sent(no_sms, register):
    with_email = register(
        **WEB, customer={"name": "คุณเอ", "phone": "0812345678", "email": "a@example.test"}
    )
    assert [(n.channel, n.address) for n in customer_notices(with_email)] == [
        ("email", "a@example.test")
    ]
    phone_only = register(**WEB)
    assert [n.channel for n in customer_notices(phone_only)] == ["phone"]
    assert not Notification.objects.filter(channel="sms").exists()


def test_a_landline_is_telephoned_even_with_a_gateway(settings, register):
    settings.SMS_GATEWAY_URL, settings.SMS_BACKEND = "http://127.0.0.1:9/sms", ""
    landline = register(**WEB, customer={"name": "ร้านค้า", "phone": "038-123-456"})
    assert [(n.channel, n.address) for n in customer_notices(landline)] == [("phone", "038123456")]
    # Its mobile as the other number takes the SMS.
    both = register(
        **WEB, customer={"name": "ร้านค้า", "phone": "038123456", "alt_phone": "0899999999"}
    )
    assert [(n.channel, n.address) for n in customer_notices(both)] == [("sms", "0899999999")]


def test_the_local_backend_keeps_each_sms_once_in_the_local_outbox(local_sms, register):
    complaint = register()
    (notice,) = customer_notices(complaint)
    assert notice.channel == "sms" and notice.status == NotificationStatus.PENDING
    assert notification_deliver.call(notice.pk) == "sent"
    assert notification_deliver.call(notice.pk) == "already handled"
    TRANSPORTS["sms"].send(notice)  # a send repeated after a lost answer
    kept = LocalSms.objects.get()
    assert kept.notification_id == notice.pk and kept.to == "0812345678"
    assert kept.text == notice.body and complaint.tracking_no in kept.text
    notice.refresh_from_db()
    assert notice.status == NotificationStatus.SENT and notice.sent_at is not None


def test_the_call_is_recorded_through_the_contact_log_reached_or_not(
    no_sms, register, persona, advance
):
    complaint = register(**WEB)
    (registered,) = customer_notices(complaint)
    # Another branch's centre cannot see it; a technician not on the job may not log it.
    with pytest.raises(WorkflowError) as refused:
        notice_told(notification_id=registered.pk, actor=persona("khonkaen_centre"), reached=True)
    assert refused.value.status == 404
    with pytest.raises(WorkflowError):
        notice_told(notification_id=registered.pk, actor=persona("chonburi_tech"), reached=True)
    registered.refresh_from_db()
    assert registered.status == NotificationStatus.TO_TELL and registered.contact_event is None

    done = notice_told(
        notification_id=registered.pk, actor=persona("chonburi_centre"), reached=True
    )
    assert done is not None and done.status == NotificationStatus.TOLD and done.sent_at
    contact = Event.objects.get(complaint=complaint, action="contact_log")
    assert done.contact_event_id == contact.pk and contact.actor_label
    assert contact.data == {"contact_method": "phone", "customer_reached": True}
    # The event log shows that the notice was read out, never its words (which may hold
    # the survey link and are for the customer only).
    assert contact.note == "โทรแจ้งผู้ร้องตามข้อความแจ้ง" and registered.body not in contact.note
    # Twice is once: the task is gone.
    assert (
        notice_told(notification_id=registered.pk, actor=persona("chonburi_centre"), reached=True)
        is None
    )
    assert Event.objects.filter(complaint=complaint, action="contact_log").count() == 1

    close_unreached(complaint, persona, advance)
    closing = customer_notices(complaint)[-1]
    # Not reached: still a task, to call again; after the last try it is closed as such.
    for attempt in range(1, CALL_ATTEMPTS + 1):
        unreached = notice_told(
            notification_id=closing.pk,
            actor=persona("chonburi_centre"),
            reached=False,
            note=f"โทรครั้งที่ {attempt} ไม่มีผู้รับสาย",
        )
        assert unreached.attempts == attempt and unreached.sent_at is None
        assert unreached.contact_event.data["customer_reached"] is False
        assert unreached.contact_event.note == f"โทรครั้งที่ {attempt} ไม่มีผู้รับสาย"
        expected = (
            NotificationStatus.UNREACHED if attempt == CALL_ATTEMPTS else NotificationStatus.TO_TELL
        )
        assert unreached.status == expected
    assert (
        Event.objects.filter(complaint=complaint, action="contact_log").count() == 1 + CALL_ATTEMPTS
    )


def test_a_local_sms_outbox_on_a_production_database_is_warned_of(settings, monkeypatch):
    from tanjai.notifications.checks import sms_backend_check

    settings.SMS_BACKEND = "local"
    monkeypatch.setenv("DATABASE_URL", "postgres://db/tanjai")
    assert [w.id for w in sms_backend_check()] == ["tanjai.W001"]
    monkeypatch.delenv("DATABASE_URL")
    assert sms_backend_check() == []  # the embedded default keeps its outbox quietly
    settings.SMS_BACKEND = "none"
    monkeypatch.setenv("DATABASE_URL", "postgres://db/tanjai")
    assert sms_backend_check() == []
