"""The REST API over real HTTP requests (Django's test client through the full middleware)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tanjai.accounts.models import PersonalDataAccess
from tanjai.complaints.models import Complaint
from tanjai.conftest import new_complaint_payload

pytestmark = pytest.mark.django_db


def test_token_is_required_and_wrong_passwords_get_401(client):
    assert client.get("/api/v1/complaints").status_code == 401
    bad = client.post(
        "/api/v1/auth/token",
        {"username": "admin", "password": "nope"},
        content_type="application/json",
    )
    assert bad.status_code == 401
    forged = client.get("/api/v1/complaints", headers={"Authorization": "Bearer tj_forged"})
    assert forged.status_code == 401


def test_reference_lists_carry_codes(api):
    officer = api("call_centre")
    channels = [c["code"] for c in officer.get("/channels").json()]
    assert channels == [
        "cc1662",
        "website",
        "email",
        "facebook",
        "gcc1111",
        "media",
        "letter",
        "phone",
        "walk_in",
        "line",
        "damrongtham",
    ]
    categories = {c["code"]: c for c in officer.get("/categories").json()}
    assert set(categories) == {
        "supply",
        "quality",
        "leak",
        "billing_meter",
        "service_conduct",
        "construction_other",
    }
    assert all(categories[c]["subcategories"] for c in categories)
    branches = officer.get("/branches").json()
    assert {b["region"] for b in branches} == set(range(1, 11))
    assert sum(1 for b in branches if b["region"] == 1) == 22


def test_register_then_read_a_complaint(api):
    officer = api("call_centre")
    response = officer.post("/complaints", new_complaint_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["status"] == "received" and body["channel"] == "phone" and body["branch"] == "chonburi"
    )
    assert body["sla"]["inform"]["state"] == "open_on_time"
    assert body["customer"]["phone"] == "0812345678"
    detail = officer.get(f"/complaints/{body['tracking_no']}").json()
    for key in (
        "tracking_no",
        "status",
        "channel",
        "category",
        "branch",
        "received_at",
        "informed_at",
        "fixed_at",
        "closed_at",
        "inform_due_at",
        "resolve_due_at",
        "sla",
        "reopen_count",
        "events",
    ):
        assert key in detail
    assert [e["action"] for e in detail["events"]] == ["register"]


def test_bad_input_gets_400_with_errors_per_field(api):
    officer = api("call_centre")
    response = officer.post(
        "/complaints",
        new_complaint_payload(
            channel="pigeon",
            subcategory="turbid",
            customer={"phone": "12"},
            location={"lat": 40.0, "lon": 100.5},
        ),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "customer.phone" in errors and "location.lat" in errors
    response = officer.post(
        "/complaints", new_complaint_payload(channel="pigeon", subcategory="turbid")
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) >= {"channel", "subcategory"}
    missing = officer.post("/complaints", {"channel": "phone"})
    assert missing.status_code == 400 and "description" in missing.json()["errors"]
    assert Complaint.objects.count() == 0


def test_anonymous_complaints_carry_no_identity(api):
    officer = api("call_centre")
    refused = officer.post("/complaints", new_complaint_payload(anonymous=True))
    assert refused.status_code == 400
    ok = officer.post("/complaints", new_complaint_payload(anonymous=True, customer=None))
    assert ok.status_code == 201 and ok.json()["customer"] is None


def test_a_retried_request_with_the_same_idempotency_key_is_stored_once(api):
    officer = api("call_centre")
    first = officer.post(
        "/complaints", new_complaint_payload(), headers={"Idempotency-Key": "abc-1"}
    )
    again = officer.post(
        "/complaints", new_complaint_payload(), headers={"Idempotency-Key": "abc-1"}
    )
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["tracking_no"] == again.json()["tracking_no"]
    assert Complaint.objects.count() == 1


def test_actions_over_http_with_their_refusals(api):
    officer, centre = api("call_centre"), api("chonburi_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    wrong_state = centre.act(number, "verify")
    assert wrong_state.status_code == 409 and "received" in wrong_state.json()["detail"]
    assert api("analyst").act(number, "forward").status_code == 403
    assert api("khonkaen_centre").act(number, "forward").status_code == 404
    assert api("khonkaen_centre").get(f"/complaints/{number}").status_code == 404
    assert officer.act(number, "explode").status_code == 400
    forwarded = officer.act(number, "forward", {"note": "ส่งศูนย์"})
    assert forwarded.status_code == 200 and forwarded.json()["status"] == "forwarded"
    version = forwarded.json()["version"]
    bad = centre.act(number, "dispatch", {"assignees": [], "team_type": "helicopter"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) >= {"assignees", "team_type"}
    dispatched = centre.act(
        number,
        "dispatch",
        {"assignees": ["chonburi_tech"], "team_type": "mr_prapa", "version": version},
    )
    assert dispatched.status_code == 200, dispatched.content.decode()
    stale = centre.act(
        number,
        "inform_customer",
        {
            "plan": "x",
            "promised_at": (timezone.now() + timedelta(hours=3)).isoformat(),
            "contact_method": "phone",
        },
        headers={"If-Match": str(version)},
    )
    assert stale.status_code == 409
    tech = api("chonburi_tech")
    assert tech.get(f"/complaints/{number}").status_code == 200
    fixed = tech.act(number, "report_fixed", {"result": "ซ่อมแล้ว"})
    assert fixed.status_code == 200 and fixed.json()["fixed_at"]
    assert centre.act(number, "verify").status_code == 200
    closed = centre.act(number, "close", {"customer_reached": True, "satisfaction": 5})
    assert closed.json()["status"] == "closed"
    assert closed.json()["sla"]["resolve"]["state"] == "met"


def test_lists_are_filtered_by_scope_and_thai_words(api):
    officer = api("call_centre")
    officer.post("/complaints", new_complaint_payload(description="ท่อประปาแตกหน้าบ้าน น้ำพุ่งแรงมาก"))
    officer.post(
        "/complaints",
        new_complaint_payload(
            description="น้ำขุ่นเป็นสีแดง", category="quality", subcategory="red_water"
        ),
    )
    officer.post("/complaints", new_complaint_payload(branch="khon-kaen", location=None))
    everything = officer.get("/complaints").json()
    assert everything["count"] == 3
    assert api("chonburi_centre").get("/complaints").json()["count"] == 2
    assert api("region6").get("/complaints").json()["count"] == 1
    found = officer.get("/complaints", q="แตก").json()
    assert [i["description"] for i in found["items"]] == ["ท่อประปาแตกหน้าบ้าน น้ำพุ่งแรงมาก"]
    assert officer.get("/complaints", q="น้ำขุ่น").json()["count"] == 1
    assert officer.get("/complaints", q="ไฟไหม้").json()["count"] == 0
    assert officer.get("/complaints", category="quality").json()["count"] == 1
    assert officer.get("/complaints", region=6).json()["count"] == 1
    assert officer.get("/complaints", status="received,forwarded").json()["count"] == 3
    assert officer.get("/complaints", overdue="true").json()["count"] == 0
    Complaint.objects.update(resolve_due_at=timezone.now() - timedelta(hours=1))
    assert officer.get("/complaints", overdue="true").json()["count"] == 3
    assert officer.get("/complaints", ordering="nonsense").status_code == 400


def test_common_and_rare_words_find_the_same(api, monkeypatch):
    """PostgreSQL takes another path for words with many matches; both must agree."""
    from tanjai.complaints import selectors

    officer = api("call_centre")
    for text in ("ท่อประปาแตกหน้าบ้าน", "ท่อแตกริมถนน", "น้ำขุ่นมาก"):
        officer.post("/complaints", new_complaint_payload(description=text))
    rare = [i["tracking_no"] for i in officer.get("/complaints", q="ท่อแตก").json()["items"]]
    monkeypatch.setattr(selectors, "SEARCH_RARE_LIMIT", 1)
    common = [i["tracking_no"] for i in officer.get("/complaints", q="ท่อแตก").json()["items"]]
    assert len(rare) == 2 and rare == common


def test_identity_is_shown_only_to_those_who_need_it_and_every_showing_is_logged(api):
    officer = api("call_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    assert api("analyst").get(f"/complaints/{number}").json()["customer"] == "hidden"
    before = PersonalDataAccess.objects.count()
    assert (
        api("chonburi_centre").get(f"/complaints/{number}").json()["customer"]["name"]
        == "สมชาย ใจดี"
    )
    assert PersonalDataAccess.objects.count() == before + 1

    conduct = officer.post(
        "/complaints",
        new_complaint_payload(
            category="service_conduct", subcategory="misconduct", description="พนักงานเรียกรับเงิน"
        ),
    ).json()
    number = conduct["tracking_no"]
    assert api("chonburi_centre").get(f"/complaints/{number}").json()["customer"] == "hidden"
    assert api("chonburi_manager").get(f"/complaints/{number}").json()["customer"]["name"]
    assert officer.get(f"/complaints/{number}").json()["customer"][
        "name"
    ]  # the officer who took it


def test_attachments_are_checked_by_content_and_stored_once(api):
    officer = api("call_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    def upload(content: bytes, name: str, kind: str = "before"):
        f = io.BytesIO(content)
        f.name = name
        return officer.client.post(
            f"/api/v1/complaints/{number}/attachments",
            {"file": f, "kind": kind},
            headers=officer.headers,
        )

    assert upload(png, "pipe.png").status_code == 201
    assert upload(png, "again.png").status_code == 200
    refused = upload(b"MZ\x90\x00 not an image", "photo.jpg")
    assert refused.status_code == 400 and "file" in refused.json()["errors"]
    assert upload(b"%PDF-1.4 letter", "letter.pdf", kind="before").status_code == 400
    assert upload(b"%PDF-1.4 letter", "letter.pdf", kind="document").status_code == 201
    detail = officer.get(f"/complaints/{number}").json()
    assert len(detail["attachments"]) == 2
    assert [e["action"] for e in detail["events"]].count("attach") == 2


def test_openapi_docs_and_health(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert "/api/v1/complaints/{tracking_no}/actions/{action}" in paths
    assert "/api/v1/auth/token" in paths
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statistics")
def test_words_the_statistics_know_as_common_find_the_same(api):
    from tanjai.complaints.selectors import _common_word_frequencies

    officer = api("call_centre")
    padding = " ".join(["ท่อประปาแตกน้ำไม่ไหล"] * 40)  # long texts: far positions
    texts = [
        "หัวดับเพลิงหน้าบ้านรั่ว",
        "ท่อแตกข้างหัวดับเพลิง",
        "น้ำขุ่นมาก",
        f"ดับเพลิงไม่ได้ {padding}",
    ] * 8
    for text in texts:
        officer.post("/complaints", new_complaint_payload(description=text))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
    assert set(_common_word_frequencies(["หัว", "ดับ", "เพลิง"])) == {"หัว", "ดับ", "เพลิง"}
    found = officer.get("/complaints", q="หัวดับเพลิง", page_size=100).json()
    assert found["count"] == 16
    assert {i["description"] for i in found["items"]} == {texts[0], texts[1]}
    many_words = officer.get("/complaints", q="ท่อประปาแตก น้ำไม่ไหล ดับเพลิง").json()
    assert many_words["count"] == 8
