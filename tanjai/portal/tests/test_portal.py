"""The public portal over real HTTP requests: a complaint in, its receipt, tracking it, and
what keeps floods, bots and guessers out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tanjai.complaints.models import Attachment, Complaint, Event
from tanjai.complaints.services import complaint_act

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_fields(client: Client) -> dict[str, str]:
    page = client.get("/").content.decode()
    fields = dict(re.findall(r'name="(stamp|submission)" value="([^"]+)"', page))
    assert set(fields) == {"stamp", "submission"}
    return fields


def complaint_form(**overrides):
    data = {
        "category": "supply",
        "subcategory": "no_water",
        "description": "น้ำไม่ไหลตั้งแต่เช้า ทั้งซอยวัดใหม่",
        "address": "12/3 ซอยวัดใหม่",
        "province": "",
        "branch": "",
        "lat": "13.3611",
        "lon": "100.9847",
        "name": "สมหญิง ใจงาม",
        "phone": "081-234-5678",
        "email": "",
        "account_no": "",
        "website": "",
    }
    data.update(overrides)
    return data


def send(client: Client, *, wait: float = 5, files=None, **overrides):
    """Fill the form as a person would: load it, take a few seconds, send it."""
    fields = form_fields(client)
    with time_machine.travel(timezone.now() + timedelta(seconds=wait), tick=False):
        return client.post("/", {**fields, **complaint_form(**overrides), **(files or {})})


def test_a_complaint_from_the_portal_is_registered_once_with_its_photos(client):
    page = client.get("/").content.decode()
    assert "พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล" in page  # the privacy notice at the point of intake
    fields = form_fields(client)
    body = {**fields, **complaint_form(), "photos": [SimpleUploadedFile("a.png", PNG)]}
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        first = client.post("/", body)
        body["photos"] = [SimpleUploadedFile("a.png", PNG)]
        again = client.post("/", body)  # a double click: the same submission
    assert first.status_code == 302 and again.status_code == 302
    assert first["Location"] == again["Location"]
    complaint = Complaint.objects.get()
    assert complaint.channel.code == "website" and complaint.branch.code == "chonburi"
    assert complaint.customer_phone == "0812345678" and complaint.registered_by is None
    assert Attachment.objects.get().kind == "before"
    assert Event.objects.get(action="register").actor_label == "portal"
    receipt = client.get(first["Location"]).content.decode()
    assert complaint.tracking_no in receipt and "4 ตัวท้าย" in receipt
    # The receipt is for the browser that sent it, no one else.
    assert Client().get(first["Location"]).status_code == 404


def test_the_province_finds_the_branch_when_there_is_no_pin(client):
    response = send(client, lat="", lon="", province="ขอนแก่น")
    assert response.status_code == 302
    assert Complaint.objects.get().branch.code == "khon-kaen"


def test_bots_are_refused_and_nothing_is_stored(client):
    assert send(client, website="http://spam.example").status_code == 400
    too_fast = send(client, wait=0.5)
    assert too_fast.status_code == 400 and "เร็วเกินไป" in too_fast.content.decode()
    forged = client.post("/", {**complaint_form(), "stamp": "portal:1:forged", "submission": "x"})
    assert forged.status_code == 400
    assert Complaint.objects.count() == 0


def test_a_complaint_needs_a_way_back_and_a_place_and_keeps_what_was_typed(client):
    response = send(client, phone="", lat="", lon="")
    body = response.content.decode()
    assert response.status_code == 400 and Complaint.objects.count() == 0
    assert "เบอร์โทรศัพท์หรืออีเมล" in body and "ปักหมุด" in body
    assert "น้ำไม่ไหลตั้งแต่เช้า ทั้งซอยวัดใหม่" in body  # kept
    bad_phone = send(client, phone="12345")
    assert bad_phone.status_code == 400 and "เบอร์โทรศัพท์" in bad_phone.content.decode()
    not_a_photo = send(client, files={"photos": [SimpleUploadedFile("x.png", b"MZ" + b"0" * 40)]})
    assert not_a_photo.status_code == 400 and Complaint.objects.count() == 0


def test_an_anonymous_complaint_is_tracked_with_the_code_on_its_receipt(client):
    response = send(
        client, anonymous="on", phone="", name="ใครสักคน", category="service_conduct", subcategory=""
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.customer_name == "" and complaint.customer_phone == ""
    receipt = client.get(response["Location"]).content.decode()
    code = re.search(r'id="tracking-code">([A-Z2-7]{8})<', receipt).group(1)
    tracked = Client().post("/track", {"number": complaint.tracking_no, "secret": code.lower()})
    assert tracked.status_code == 200 and "รับเรื่องแล้ว" in tracked.content.decode()
    assert (
        Client().post("/track", {"number": complaint.tracking_no, "secret": "000000"}).status_code
        == 404
    )


def test_too_many_complaints_from_one_phone_are_refused(client):
    for n in range(3):
        assert send(client, description=f"น้ำไม่ไหล ครั้งที่ {n + 1} ซอยวัดใหม่").status_code == 302
    refused = send(client, description="น้ำไม่ไหล ครั้งที่ 4 ซอยวัดใหม่")
    assert refused.status_code == 429 and Complaint.objects.count() == 3
    assert "1662" in refused.content.decode()


def test_tracking_shows_progress_not_staff_or_internal_notes(client, persona):
    send(client)
    complaint = Complaint.objects.get()
    complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_officer"),
        action="forward",
        data={"note": "หมายเหตุภายใน ห้ามเผยแพร่"},
    )
    complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="dispatch",
        data={"assignees": ["chonburi_tech"], "team_type": "mr_prapa"},
    )
    page = Client().post("/track", {"number": complaint.tracking_no, "secret": "5678"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "ส่งต่อผู้รับผิดชอบแล้ว" in body and "ช่างกำลังเดินทางไป" in body
    for hidden in ("หมายเหตุภายใน", "chonburi_officer", "chonburi_centre", "chonburi_tech"):
        assert hidden not in body


def _without_csrf(body: str) -> str:
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def test_a_wrong_number_and_wrong_digits_get_the_same_answer_and_guessing_is_limited(client):
    send(client)
    number = Complaint.objects.get().tracking_no
    other = "69-9999999-1"
    wrong_digits = Client().post("/track", {"number": number, "secret": "1111"})
    wrong_number = Client().post("/track", {"number": other, "secret": "5678"})
    assert wrong_digits.status_code == wrong_number.status_code == 404
    assert _without_csrf(wrong_digits.content.decode()).replace(number, "N") == _without_csrf(
        wrong_number.content.decode()
    ).replace(other, "N")
    guesser = Client()
    answers = [
        guesser.post("/track", {"number": number, "secret": f"{n:04d}"}).status_code
        for n in range(12)
    ]
    assert answers[:8] == [404] * 8 and answers[-1] == 429  # 10 per number per hour
    # Even the right digits are refused while the number is locked.
    assert guesser.post("/track", {"number": number, "secret": "5678"}).status_code == 429


def test_the_same_anonymous_form_sent_twice_shows_the_same_code(client):
    fields = form_fields(client)
    body = {**fields, **complaint_form(anonymous="on", phone="", subcategory="")}
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        first = client.post("/", body)
        receipt_one = client.get(first["Location"]).content.decode()
        client.post("/", body)
        receipt_two = client.get(first["Location"]).content.decode()
    code = re.search(r'id="tracking-code">([A-Z2-7]{8})<', receipt_one).group(1)
    assert f'id="tracking-code">{code}<' in receipt_two
    number = Complaint.objects.get().tracking_no
    assert Client().post("/track", {"number": number, "secret": code}).status_code == 200


def test_one_phone_written_differently_is_still_one_phone(client):
    for n, phone in enumerate(["0812345678", "081-234-5678", "+66 81 234 5678"]):
        response = send(client, phone=phone, description=f"น้ำไม่ไหล ครั้งที่ {n + 1} ซอยวัดใหม่")
        assert response.status_code == 302
    refused = send(client, phone="๐๘๑๒๓๔๕๖๗๘", description="น้ำไม่ไหล ครั้งที่ 4 ซอยวัดใหม่")
    assert refused.status_code == 429
