"""The LINE Official Account: webhook bodies signed with a test channel secret, the real
SDK (signature check, replies, message content) against a local server that plays LINE's
Messaging API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client

from tanjai.complaints.models import Complaint, Event
from tanjai.portal.models import SurveyAnswer
from tanjai.testing.servers import line_api

pytestmark = pytest.mark.django_db

SECRET = "test-channel-secret"
USER = "U" + "4af4980629" * 3 + "00"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def line(settings):
    with line_api() as api:
        settings.LINE_API_BASE = api.url
        settings.LINE_CHANNEL_ACCESS_TOKEN = api.token
        settings.LINE_CHANNEL_SECRET = SECRET
        yield api


def _event(kind: str, **fields) -> dict:
    event = {
        "type": kind,
        "mode": "active",
        "timestamp": 1764000000000,
        "source": {"type": "user", "userId": USER},
        "webhookEventId": uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": False},
        "replyToken": uuid.uuid4().hex,
    }
    event.update(fields)
    return event


def text(words: str) -> dict:
    return _event(
        "message",
        message={"type": "text", "id": uuid.uuid4().hex[:18], "quoteToken": "q", "text": words},
    )


def postback(data: str) -> dict:
    return _event("postback", postback={"data": data})


def location(lat: float, lon: float, address: str = "") -> dict:
    return _event(
        "message",
        message={
            "type": "location",
            "id": uuid.uuid4().hex[:18],
            "title": "pin",
            "address": address,
            "latitude": lat,
            "longitude": lon,
        },
    )


def image(message_id: str) -> dict:
    return _event(
        "message",
        message={
            "type": "image",
            "id": message_id,
            "quoteToken": "q",
            "contentProvider": {"type": "line"},
        },
    )


def deliver(*events: dict, secret: str = SECRET, client: Client | None = None):
    body = json.dumps({"destination": "Uxxxxxxxx", "events": list(events)}).encode()
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return (client or Client()).post(
        "/webhooks/line",
        body,
        content_type="application/json",
        headers={"X-Line-Signature": signature.decode()},
    )


def last_reply(line) -> str:
    return line.replies[-1].body["messages"][0]["text"]


def test_a_complaint_made_in_a_line_chat(line):
    assert deliver(text("สวัสดีครับ")).status_code == 200
    first = line.replies[-1].body["messages"][0]
    assert any(
        i["action"]["data"] == "cat:leak" for i in first["quickReply"]["items"]
    )  # the categories as quick replies
    deliver(postback("cat:leak"))
    deliver(text("ท่อแตกหน้าบ้าน น้ำพุ่งแรงมาก"))
    assert line.replies[-1].body["messages"][0]["quickReply"]["items"][0]["action"]["type"] == (
        "location"
    )
    deliver(location(13.3611, 100.9847, "ถนนสุขุมวิท ชลบุรี"))
    line.contents["555001"] = PNG
    deliver(image("555001"))
    submit = postback("submit")
    assert deliver(submit).status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel.code == "line" and complaint.category.code == "leak"
    assert complaint.customer_line_user_id == USER and complaint.branch.code == "chonburi"
    assert complaint.attachments.get().kind == "before"
    assert complaint.tracking_no in last_reply(line)
    # LINE redelivers the same event: nothing new.
    assert deliver(submit).status_code == 200
    assert Complaint.objects.count() == 1
    assert Event.objects.filter(action="register").count() == 1


def test_what_is_happening_with_my_complaint(line, register):
    mine = register(channel="line", customer={"name": "ก", "line_user_id": USER}).tracking_no
    someone_elses = register().tracking_no
    deliver(text(f"เรื่อง {mine} ถึงไหนแล้ว"))
    assert mine in last_reply(line) and "รับเรื่องแล้ว" in last_reply(line)
    deliver(text(someone_elses))
    assert "ไม่พบ" in last_reply(line)


def test_a_nul_character_in_a_message_is_left_out_not_a_server_error(line):
    """PostgreSQL cannot store U+0000: the words around it are kept, and the chat goes on."""
    deliver(text("สวัสดีครับ"))
    deliver(postback("cat:leak"))
    assert deliver(text("ท่อแตก\u0000หน้าบ้าน น้ำพุ่งแรงมาก")).status_code == 200
    from tanjai.channels.models import Conversation

    assert Conversation.objects.get().description == "ท่อแตกหน้าบ้าน น้ำพุ่งแรงมาก"
    assert line.replies[-1].body["messages"][0]["quickReply"]["items"][0]["action"]["type"] == (
        "location"
    )


def test_unsigned_or_malformed_requests_are_refused_and_store_nothing(line):
    assert deliver(text("สวัสดี"), secret="not-the-secret").status_code == 400
    unsigned = Client().post("/webhooks/line", b"{}", content_type="application/json")
    assert unsigned.status_code == 400
    garbage = b"not json"
    signature = base64.b64encode(hmac.new(SECRET.encode(), garbage, hashlib.sha256).digest())
    response = Client().post(
        "/webhooks/line",
        garbage,
        content_type="application/json",
        headers={"X-Line-Signature": signature.decode()},
    )
    assert response.status_code == 400
    assert line.replies == []


def test_a_score_from_a_quick_reply_counts_like_the_survey(line, register, persona, advance):
    complaint = register(channel="line", customer={"name": "ก", "line_user_id": USER})
    advance(complaint, "verify")
    from tanjai.complaints.services import complaint_act

    complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="close",
        data={"customer_reached": False},
    )
    # The closing notice is pushed with the scores as quick replies.
    from tanjai.notifications.models import Notification
    from tanjai.notifications.transports import TRANSPORTS

    closing = Notification.objects.get(event__action="close", to_customer=True)
    assert closing.channel == "line"
    TRANSPORTS["line"].send(closing)
    items = line.delivered[-1].body["messages"][0]["quickReply"]["items"]
    assert [i["action"]["data"] for i in items] == [
        f"rate:{complaint.tracking_no}:{n}" for n in (5, 4, 3, 2, 1)
    ]
    deliver(postback(f"rate:{complaint.tracking_no}:4"))
    assert SurveyAnswer.objects.get(complaint=complaint).score == 4
    assert SurveyAnswer.objects.get().channel == "line"
    deliver(postback(f"rate:{complaint.tracking_no}:1"))
    assert SurveyAnswer.objects.get().score == 4  # one answer per complaint


def test_a_complaint_left_half_way_is_forgotten_after_a_day(line):
    import time_machine
    from django.utils import timezone

    deliver(text("สวัสดี"))
    deliver(postback("cat:leak"))
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        deliver(text("ท่อแตกหน้าบ้าน น้ำพุ่งแรงมาก"))  # not taken as the description
        assert "เลือกหนึ่งข้อ" in last_reply(line)


def test_a_phone_number_in_a_description_is_not_a_status_query(line):
    deliver(text("สวัสดี"))
    deliver(postback("cat:supply"))
    deliver(text("น้ำไม่ไหลมาสองวันแล้ว ซอยวัดใหม่ บ้านเลขที่ 45 ติดต่อ 0812345678 ได้ตลอด"))
    from tanjai.channels.models import Conversation

    conversation = Conversation.objects.get()
    assert conversation.step == "location" and "0812345678" in conversation.description


def test_half_made_complaints_and_their_photos_are_pruned(line, django_capture_on_commit_callbacks):
    import time_machine
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from tanjai.channels.conversation import conversations_prune
    from tanjai.channels.models import Conversation

    deliver(text("สวัสดี"))
    deliver(postback("cat:leak"))
    deliver(text("ท่อแตกหน้าบ้าน น้ำพุ่งแรงมาก"))
    line.contents["777"] = PNG
    deliver(image("777"))
    (name,) = Conversation.objects.get().photos
    assert default_storage.exists(name)
    assert conversations_prune() == 0
    with (
        time_machine.travel(timezone.now() + timedelta(hours=25), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert conversations_prune() == 1
    assert not Conversation.objects.exists() and not default_storage.exists(name)
