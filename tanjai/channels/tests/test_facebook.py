"""A Facebook Page through the Messenger Platform: the verify-token handshake, bodies signed
with a test app secret (X-Hub-Signature-256), and replies through a local server that plays
the Graph API's Send API."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid

import pytest
from django.test import Client

from tanjai.complaints.models import Complaint, Event
from tanjai.testing.servers import graph_api

pytestmark = pytest.mark.django_db

SECRET = "test-app-secret"
PSID = "6543210987654321"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def graph(settings):
    with graph_api() as api:
        settings.FACEBOOK_GRAPH_BASE = api.url
        settings.FACEBOOK_PAGE_ACCESS_TOKEN = api.token
        settings.FACEBOOK_APP_SECRET = SECRET
        settings.FACEBOOK_VERIFY_TOKEN = "verify-me"
        yield api


def messaging(**fields) -> dict:
    return {
        "sender": {"id": PSID},
        "recipient": {"id": "112233445566"},
        "timestamp": 1764000000000,
        **fields,
    }


def text(words: str) -> dict:
    return messaging(message={"mid": "m_" + uuid.uuid4().hex, "text": words})


def quick(payload: str, label: str = "x") -> dict:
    return messaging(
        message={"mid": "m_" + uuid.uuid4().hex, "text": label, "quick_reply": {"payload": payload}}
    )


def attachment(kind: str, payload: dict, title: str = "") -> dict:
    return messaging(
        message={
            "mid": "m_" + uuid.uuid4().hex,
            "attachments": [{"type": kind, "title": title, "payload": payload}],
        }
    )


def deliver(*items: dict, secret: str = SECRET):
    body = json.dumps(
        {"object": "page", "entry": [{"id": "112233445566", "time": 1, "messaging": list(items)}]}
    ).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return Client().post(
        "/webhooks/facebook",
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


def last_text(graph) -> str:
    return graph.requests[-1].body["message"]["text"]


def test_the_verify_token_handshake(graph):
    ok = Client().get(
        "/webhooks/facebook",
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    wrong = Client().get(
        "/webhooks/facebook",
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
    )
    assert wrong.status_code == 403


def test_a_complaint_made_in_messenger_gets_its_number(graph):
    assert deliver(text("สวัสดีค่ะ")).status_code == 200
    payloads = [q["payload"] for q in graph.requests[-1].body["message"]["quick_replies"]]
    assert "cat:quality" in payloads
    deliver(quick("cat:quality"))
    deliver(text("น้ำประปาขุ่นเป็นสีแดงทั้งซอย"))
    deliver(attachment("location", {"coordinates": {"lat": 16.4419, "long": 102.8360}}))
    graph.media["/media/p1.png"] = PNG
    deliver(attachment("image", {"url": f"{graph.url}/media/p1.png"}))
    send = quick("submit")
    deliver(send)
    complaint = Complaint.objects.get()
    assert complaint.channel.code == "facebook" and complaint.customer_messenger_id == PSID
    assert complaint.branch.code == "khon-kaen" and complaint.attachments.count() == 1
    assert complaint.tracking_no in last_text(graph)
    reply = graph.requests[-1].body
    assert reply["recipient"] == {"id": PSID} and reply["messaging_type"] == "RESPONSE"
    deliver(send)  # redelivered by Facebook: nothing new
    assert Complaint.objects.count() == 1
    assert Event.objects.filter(action="register").count() == 1
    deliver(text(complaint.tracking_no))
    assert complaint.tracking_no in last_text(graph) and "รับเรื่องแล้ว" in last_text(graph)


def test_photos_are_fetched_from_facebook_only(graph):
    deliver(text("สวัสดี"))
    deliver(quick("cat:leak"))
    deliver(text("ท่อแตกหน้าบ้าน น้ำพุ่งแรงมาก"))
    deliver(attachment("image", {"url": "http://169.254.169.254/latest/meta-data"}))
    from tanjai.channels.models import Conversation

    assert Conversation.objects.get().photos == []


def test_a_nul_character_in_a_message_is_left_out_not_a_server_error(graph):
    """PostgreSQL cannot store U+0000: the words around it are kept."""
    deliver(text("สวัสดี"))
    deliver(quick("cat:leak"))
    assert deliver(text("ท่อแตก\u0000หน้าบ้าน น้ำพุ่งแรงมาก")).status_code == 200
    from tanjai.channels.models import Conversation

    assert Conversation.objects.get().description == "ท่อแตกหน้าบ้าน น้ำพุ่งแรงมาก"


def test_unsigned_or_malformed_bodies_are_refused(graph):
    assert deliver(text("สวัสดี"), secret="not-the-secret").status_code == 403
    unsigned = Client().post("/webhooks/facebook", b"{}", content_type="application/json")
    assert unsigned.status_code == 403
    garbage = b'{"object": "page"}'
    signature = "sha256=" + hmac.new(SECRET.encode(), garbage, hashlib.sha256).hexdigest()
    response = Client().post(
        "/webhooks/facebook",
        garbage,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )
    assert response.status_code == 400
    assert graph.requests == []


def test_notices_go_back_on_messenger_as_account_updates(graph, register, persona, advance):
    from datetime import timedelta

    from django.utils import timezone

    from tanjai.complaints.services import complaint_act
    from tanjai.notifications.models import Notification
    from tanjai.notifications.transports import TRANSPORTS

    complaint = register(channel="facebook", customer={"name": "ก", "messenger_id": PSID})
    assert not Notification.objects.filter(to_customer=True).exists()  # the chat answered
    advance(complaint, "dispatch")
    complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="inform_customer",
        data={
            "plan": "ช่างจะเข้าซ่อมบ่ายนี้",
            "promised_at": (timezone.now() + timedelta(hours=6)).isoformat(),
            "contact_method": "phone",
        },
    )
    notice = Notification.objects.get(complaint=complaint, to_customer=True)
    assert notice.channel == "facebook"
    TRANSPORTS["facebook"].send(notice)
    sent = graph.requests[-1].body
    assert sent["messaging_type"] == "MESSAGE_TAG" and sent["tag"] == "ACCOUNT_UPDATE"
    assert complaint.tracking_no in sent["message"]["text"]
