"""Input that is wrong must be refused as wrong (400 in the API's error shape), never
answered with a server error: a NUL character, which PostgreSQL cannot store in text, a
value longer than its column, a date outside any calendar the system keeps, a body too
large, a webhook of an odd shape, a request without credentials."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from tanjai.complaints.models import Complaint, Event
from tanjai.conftest import PASSWORD, new_complaint_payload
from tanjai.sla.clock import BANGKOK

pytestmark = pytest.mark.django_db

NUL = "\u0000"
NUL_IN_THAI = "ไม่อนุญาตให้มีอักขระ NUL"


def refused(response, field: str) -> dict:
    """A 400 in the error shape whose errors name `field`."""
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert field in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    return body


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("description", {"description": f"น้ำไม่ไหล{NUL}ทั้งซอย"}),
        ("customer.name", {"customer": {"name": f"สมชาย{NUL}", "phone": "0812345678"}}),
        ("location.address", {"location": {"address": f"12/3{NUL}", "lat": 13.36, "lon": 100.98}}),
        ("external_ref", {"external_ref": f"GCC-1{NUL}"}),
        ("branch", {"branch": f"chonburi{NUL}"}),
        ("channel", {"channel": f"phone{NUL}"}),
        ("category", {"category": f"supply{NUL}"}),
        ("location.province", {"location": {"province": f"ชลบุรี{NUL}"}}),
    ],
)
def test_a_nul_character_in_a_new_complaint_is_refused_by_field(api, field, overrides):
    response = api("call_centre").post("/complaints", new_complaint_payload(**overrides))
    refused(response, field)
    assert not Complaint.objects.exists()


def test_a_nul_character_in_a_note_is_refused(api, register):
    complaint = register()
    response = api("call_centre").act(complaint.tracking_no, "forward", {"note": f"ดู{NUL}ที"})
    refused(response, "note")
    complaint.refresh_from_db()
    assert complaint.status == "received"
    assert not Event.objects.filter(complaint=complaint, action="forward").exists()


def test_a_nul_character_in_a_username_is_refused_without_signing_in(client):
    response = client.post(
        "/api/v1/auth/token",
        {"username": f"admin{NUL}", "password": "x"},
        content_type="application/json",
    )
    refused(response, "username")


@pytest.mark.parametrize("param", ["q", "branch", "category", "channel", "status"])
def test_a_nul_character_in_a_list_filter_is_refused(api, param):
    response = api("call_centre").get("/complaints", **{param: f"x{NUL}y"})
    refused(response, param)


def test_a_nul_character_is_refused_as_the_client_wrote_it(api):
    """An escape in the JSON a client wrote by hand, as well as one a library wrote."""
    officer = api("call_centre")
    body = json.dumps(new_complaint_payload(), ensure_ascii=False).replace(
        "น้ำไม่ไหล", "น้ำไม่ไหล\\u0000"
    )
    response = officer.client.post(
        "/api/v1/complaints", body, content_type="application/json", headers=officer.headers
    )
    refused(response, "description")
    assert not Complaint.objects.exists()


def test_a_province_longer_than_its_column_is_refused(api):
    officer = api("call_centre")
    for field in ("province", "district"):
        location = {"address": "12/3", "lat": 13.36, "lon": 100.98, field: "ช" * 150}
        response = officer.post("/complaints", new_complaint_payload(location=location))
        refused(response, f"location.{field}")
    location = {"province": "ช" * 100, "district": "อ" * 100, "lat": 13.36, "lon": 100.98}
    accepted = officer.post("/complaints", new_complaint_payload(location=location))
    assert accepted.status_code == 201, accepted.content


@pytest.mark.parametrize(
    "received_at",
    ["0001-01-01T00:00:00+07:00", "0001-01-01T00:00:00Z", "1900-01-01T00:00:00+07:00"],
)
def test_a_complaint_received_before_the_back_dating_window_is_refused(api, received_at):
    from tanjai.intake.services import BACKDATE_YEARS

    response = api("call_centre").post(
        "/complaints", new_complaint_payload(received_at=received_at)
    )
    body = refused(response, "received_at")
    assert f"{BACKDATE_YEARS} years" in body["errors"]["received_at"][0]  # how far back
    assert not Complaint.objects.exists()


@time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=BANGKOK), tick=False)
def test_an_old_case_within_the_window_is_registered_and_one_from_the_future_is_not(api):
    officer = api("call_centre")
    oldest = "2021-11-26T09:00:00+07:00"  # 5 years back, to the day
    response = officer.post("/complaints", new_complaint_payload(received_at=oldest))
    assert response.status_code == 201, response.content
    assert response.json()["tracking_no"].startswith("64-")  # B.E. 2564
    older = "2021-11-24T09:00:00+07:00"
    refused(officer.post("/complaints", new_complaint_payload(received_at=older)), "received_at")
    skewed = "2026-11-25T10:04:00+07:00"  # a clock a few minutes ahead
    assert officer.post("/complaints", new_complaint_payload(received_at=skewed)).status_code == 201
    future = "2026-11-25T11:00:00+07:00"
    refused(officer.post("/complaints", new_complaint_payload(received_at=future)), "received_at")


def test_the_back_dating_window_holds_for_every_channel(persona):
    """The window is the intake service's: importers and forms get the same answer."""
    from tanjai.complaints.errors import InvalidInput
    from tanjai.intake.services import complaint_register

    with pytest.raises(InvalidInput) as refusal:
        complaint_register(
            actor=persona("call_centre"),
            data=new_complaint_payload(received_at=datetime(1, 1, 2, tzinfo=UTC)),
        )
    assert "received_at" in refusal.value.errors


# --- credentials and size ----------------------------------------------------------------


def test_an_anonymous_post_is_401_in_the_error_shape():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/complaints", new_complaint_payload(), content_type="application/json"
    )
    assert response.status_code == 401, response.content
    assert response.json() == {"detail": "authentication required", "errors": {}}
    action = client.post(
        "/api/v1/complaints/6900000001/actions/forward", {}, content_type="application/json"
    )
    assert action.status_code == 401


def test_a_signed_in_session_still_needs_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="call_centre", password=PASSWORD)
    response = client.post(
        "/api/v1/complaints", new_complaint_payload(), content_type="application/json"
    )
    assert response.status_code == 403, response.content
    assert set(response.json()) == {"detail", "errors"}
    assert not Complaint.objects.exists()


def test_a_body_over_the_limit_gets_the_json_error_shape(api, settings):
    officer = api("call_centre")
    filler = "ก" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1024)
    response = officer.post("/complaints", new_complaint_payload(description=filler))
    assert response.status_code == 413, response.content[:200]
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    assert not Complaint.objects.exists()


# --- webhooks of an odd shape ------------------------------------------------------------

SECRET = "test-app-secret"


@pytest.fixture
def facebook(settings):
    settings.FACEBOOK_APP_SECRET = SECRET
    settings.FACEBOOK_PAGE_ACCESS_TOKEN = "unused"
    settings.FACEBOOK_GRAPH_BASE = "http://127.0.0.1:9"  # nothing listens: replies fail


def facebook_post(body: object):
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return Client().post(
        "/webhooks/facebook",
        raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


@pytest.mark.parametrize(
    "body",
    [
        {"object": "page", "entry": ["x", "y"]},
        {"object": "page", "entry": [{"messaging": "x"}]},
        {"object": "page", "entry": "x"},
        {
            "object": "page",
            "entry": [{"messaging": [{"sender": "1234", "message": {"text": "x"}}]}],
        },
        {"object": "page", "entry": [{"messaging": [{"sender": {"id": "1"}, "message": "x"}]}]},
        {
            "object": "page",
            "entry": [
                {
                    "messaging": [
                        {"sender": {"id": "1"}, "message": {"mid": "m", "attachments": ["x"]}}
                    ]
                }
            ],
        },
        {"object": "page", "entry": [{"messaging": [{"sender": {"id": "1"}, "postback": "x"}]}]},
        ["x"],
        "x",
    ],
)
def test_a_signed_facebook_body_of_an_odd_shape_is_not_a_server_error(facebook, body, caplog):
    with caplog.at_level(logging.WARNING, logger="tanjai.channels.facebook"):
        response = facebook_post(body)
    assert response.status_code in (200, 400)
    assert "Messenger webhook" in caplog.text
    assert not Complaint.objects.exists()


def test_an_odd_event_does_not_keep_the_others_in_the_body_from_being_handled(facebook):
    from tanjai.channels.models import InboundMessage

    good = {"sender": {"id": "6543210987654321"}, "message": {"mid": "m_good", "text": "สวัสดี"}}
    body = {"object": "page", "entry": ["x", {"messaging": ["y", {"sender": "z"}, good]}]}
    assert facebook_post(body).status_code == 200
    assert list(InboundMessage.objects.values_list("message_id", flat=True)) == ["m_good"]


# --- the web forms -----------------------------------------------------------------------


def test_the_entry_form_refuses_a_nul_character(client):
    from tanjai.intake.tests.test_entry_form import FORM

    assert client.login(username="chonburi_officer", password=PASSWORD)
    response = client.post("/staff/new/", {**FORM, "description": f"น้ำไม่ไหล{NUL}"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in page and NUL_IN_THAI in page
    assert not Complaint.objects.exists()


def test_the_complaint_page_refuses_a_nul_character_in_a_note(client, register):
    complaint = register()
    assert client.login(username="call_centre", password=PASSWORD)
    response = client.post(
        f"/staff/complaints/{complaint.tracking_no}/actions/forward/", {"note": f"ดู{NUL}ที"}
    )
    page = response.content.decode()
    assert 'role="alert"' in page and NUL_IN_THAI in page
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_the_portal_refuses_a_nul_character(client):
    from tanjai.portal.tests.test_portal import send

    response = send(client, name=f"สมหญิง{NUL}")
    assert NUL_IN_THAI in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_queue_says_a_search_with_a_nul_character_was_not_applied(client, register):
    register(description="น้ำไม่ไหลทั้งซอย")
    register(description="ท่อแตกหน้าบ้าน")
    assert client.login(username="chonburi_centre", password=PASSWORD)
    for headers in ({}, {"HX-Request": "true"}):  # the page, and the rows HTMX swaps in
        response = client.post("/staff/queues/to_forward/", {"q": f"ท่อ{NUL}"}, headers=headers)
        page = response.content.decode()
        assert response.status_code == 200
        assert 'role="alert"' in page and NUL_IN_THAI in page
        assert page.count("data-tracking-no=") == 2  # the whole queue: the search left out
