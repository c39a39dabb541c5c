"""The staff pages' working tools: bulk forward and dispatch, related complaints marked
duplicates in one go, the contact log, files on a complaint, queue filters, refusals in
Thai and the API's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tanjai.accounts.models import PersonalDataAccess
from tanjai.complaints.models import Attachment, Complaint, Event
from tanjai.complaints.services import complaint_act
from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def as_(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_bulk_forward_forwards_each_and_reports_a_refusal(client, register, persona):
    numbers = [register().tracking_no for _ in range(3)]
    # Someone else forwards the second first: the bulk action reports it and does the rest.
    complaint_act(tracking_no=numbers[1], actor=persona("call_centre"), action="forward")
    as_(client, "chonburi_officer")
    page = client.get("/staff/queues/to_forward/").content.decode()
    assert 'form="bulk" name="numbers"' in page and 'id="bulk"' in page
    response = client.post(
        "/staff/queues/to_forward/bulk/", {"numbers": numbers, "note": "ส่งศูนย์"}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"{numbers[1]}:" in body and "ส่งต่อศูนย์แล้ว" in body  # why it was refused, in Thai
    assert {Complaint.objects.get(tracking_no=n).status for n in numbers} == {"forwarded"}
    assert Event.objects.filter(complaint__tracking_no__in=numbers, action="forward").count() == 3


def test_bulk_dispatch_sends_the_chosen_technicians(client, register, persona):
    numbers = []
    for _ in range(2):
        number = register().tracking_no
        complaint_act(tracking_no=number, actor=persona("call_centre"), action="forward")
        numbers.append(number)
    as_(client, "chonburi_centre")
    page = client.get("/staff/queues/to_dispatch/").content.decode()
    assert 'value="chonburi_tech2"' in page  # the branch's technicians to choose from
    client.post(
        "/staff/queues/to_dispatch/bulk/",
        {"numbers": numbers, "assignees": ["chonburi_tech2"], "team_type": "mr_prapa"},
    )
    for number in numbers:
        complaint = Complaint.objects.get(tracking_no=number)
        assert complaint.status == "in_progress"
        assert complaint.work_orders.get().assignees.get().username == "chonburi_tech2"


def test_bulk_actions_are_not_offered_to_roles_that_cannot_take_them(client, register):
    register()
    page = as_(client, "analyst").get("/staff/queues/to_forward/").content.decode()
    assert 'id="bulk"' not in page
    response = client.post("/staff/queues/to_forward/bulk/", {"numbers": ["x"]}, follow=True)
    assert response.status_code == 403 and Complaint.objects.filter(status="forwarded").count() == 0


def test_a_burst_main_is_marked_duplicates_of_one_master(client, register):
    master = register(location={"lat": 13.3600, "lon": 100.9800}).tracking_no
    # Within 300 m, the same category, other customers; one ~1.1 km away; another category.
    near = [
        register(
            location={"lat": 13.3600 + 0.0005 * i, "lon": 100.9800},
            customer={"name": f"ลูกค้า {i}", "phone": f"08123400{i:02d}"},
        ).tracking_no
        for i in range(1, 4)
    ]
    someone = {"name": "คนอื่น", "phone": "0899990000"}
    far = register(location={"lat": 13.3700, "lon": 100.9800}, customer=someone).tracking_no
    other = register(category="quality", subcategory="turbid", customer=someone).tracking_no
    as_(client, "chonburi_officer")
    page = client.get(f"/staff/complaints/{master}/").content.decode()
    for number in near:
        assert f'value="{number}"' in page
    assert far not in page and other not in page
    response = client.post(
        f"/staff/complaints/{master}/duplicates/",
        {"numbers": near},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    for number in near:
        complaint = Complaint.objects.get(tracking_no=number)
        assert complaint.status == "duplicate" and complaint.duplicate_of.tracking_no == master
    # Marked again (a double click): each refusal is reported, nothing changes.
    again = client.post(f"/staff/complaints/{master}/duplicates/", {"numbers": near})
    assert again.status_code == 200 and "ซ้ำ" in again.content.decode()
    assert Event.objects.filter(action="mark_duplicate").count() == 3


def test_the_same_customer_is_related_only_for_those_who_may_see_the_customer(client, register):
    first = register(location={"lat": 14.0, "lon": 101.0}).tracking_no
    second = register(
        category="quality", subcategory="turbid", location={"lat": 13.0, "lon": 100.5}
    ).tracking_no
    page = as_(client, "chonburi_centre").get(f"/staff/complaints/{second}/").content.decode()
    assert first in page and "ลูกค้ารายเดียวกัน" in page
    page = as_(client, "analyst").get(f"/staff/complaints/{second}/").content.decode()
    assert first not in page


def test_calls_to_the_customer_are_logged_and_listed(client, register, persona, advance):
    number = register().tracking_no
    as_(client, "chonburi_centre")
    client.post(
        f"/staff/complaints/{number}/actions/contact_log/",
        {"contact_method": "phone", "note": "โทรแล้วไม่รับสาย"},
        headers={"HX-Request": "true"},
    )
    page = client.post(
        f"/staff/complaints/{number}/actions/contact_log/",
        {"contact_method": "phone", "customer_reached": "on", "note": "นัดช่างเข้าบ่ายนี้"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "ติดต่อไม่ได้" in page and "ติดต่อได้" in page and "นัดช่างเข้าบ่ายนี้" in page
    logged = Event.objects.filter(complaint__tracking_no=number, action="contact_log")
    assert [e.data["customer_reached"] for e in logged] == [False, True]
    assert Complaint.objects.get(tracking_no=number).status == "received"  # no change of state
    # Reading the log does not let one who may not see the customer read their number.
    as_(client, "chonburi_centre").post(
        f"/staff/complaints/{number}/actions/contact_log/",
        {"contact_method": "phone", "note": "ลูกค้าให้โทร 089-999-1234"},
    )
    page = as_(client, "analyst").get(f"/staff/complaints/{number}/").content.decode()
    assert "089-999-1234" not in page


def test_files_are_shown_to_those_who_may_see_them_and_no_one_else(client, register):
    number = register().tracking_no
    as_(client, "chonburi_centre")
    client.post(
        f"/staff/complaints/{number}/files/",
        {"kind": "before", "files": [SimpleUploadedFile("leak.png", PNG)]},
    )
    client.post(
        f"/staff/complaints/{number}/files/",
        {"kind": "document", "files": [SimpleUploadedFile("letter.pdf", PDF)]},
    )
    photo = Attachment.objects.get(kind="before")
    letter = Attachment.objects.get(kind="document")
    page = client.get(f"/staff/complaints/{number}/").content.decode()
    assert f"/staff/complaints/{number}/files/{photo.pk}/" in page
    served = client.get(f"/staff/complaints/{number}/files/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    before = PersonalDataAccess.objects.count()
    assert client.get(f"/staff/complaints/{number}/files/{letter.pk}/").status_code == 200
    assert PersonalDataAccess.objects.filter(via="file").count() == 1
    assert PersonalDataAccess.objects.count() == before + 1
    # Another branch does not see them; a reader without the customer's details sees the
    # photo, not the letter.
    as_(client, "khonkaen_centre")
    assert client.get(f"/staff/complaints/{number}/files/{photo.pk}/").status_code == 404
    as_(client, "analyst")
    assert client.get(f"/staff/complaints/{number}/files/{photo.pk}/").status_code == 200
    assert client.get(f"/staff/complaints/{number}/files/{letter.pk}/").status_code == 404
    # A file that is not what it claims is refused with the reason, and nothing is stored.
    as_(client, "chonburi_centre")
    page = client.post(
        f"/staff/complaints/{number}/files/",
        {"kind": "after", "files": [SimpleUploadedFile("fix.png", PDF)]},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "ไม่ใช่รูปถ่าย" in page and Attachment.objects.count() == 2
    # No public media URL serves them.
    client.logout()
    assert client.get(f"/media/{photo.file.name}").status_code == 404


def test_files_given_with_a_new_complaint_are_checked_before_it_is_stored(client):
    as_(client, "chonburi_officer")
    form = {
        "submission": "s1",
        "channel": "phone",
        "category": "supply",
        "description": "ท่อแตกหน้าบ้าน",
        "customer_phone": "0812345678",
    }
    refused = client.post(
        "/staff/new/", {**form, "files": [SimpleUploadedFile("x.exe", b"MZ" + b"\0" * 40)]}
    )
    assert refused.status_code == 400 and Complaint.objects.count() == 0
    body = refused.content.decode()
    assert "ท่อแตกหน้าบ้าน" in body and "JPEG, PNG, WebP" in body
    done = client.post(
        "/staff/new/",
        {
            **form,
            "submission": "s2",
            "files_kind": "photos",
            "files": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.pdf", PDF)],
        },
    )
    assert done.status_code == 302
    complaint = Complaint.objects.get()
    assert sorted(complaint.attachments.values_list("kind", flat=True)) == ["before", "document"]
    # Unless told they are photos of the problem, files are documents (an ID card
    # photographed with a phone is an image too); about staff conduct, always documents.
    for submission, extra in (
        ("s3", {}),
        ("s4", {"files_kind": "photos", "category": "service_conduct"}),
    ):
        client.post(
            "/staff/new/",
            {
                **form,
                **extra,
                "submission": submission,
                "files": [SimpleUploadedFile("c.png", PNG)],
            },
        )
    later = Complaint.objects.exclude(pk=complaint.pk)
    assert later.count() == 2
    assert set(Attachment.objects.filter(complaint__in=later).values_list("kind", flat=True)) == {
        "document"
    }


def test_queue_filters_by_unit_technician_and_days(client, register, persona):
    a, b = register().tracking_no, register().tracking_no
    old = register().tracking_no
    Complaint.objects.filter(tracking_no=old).update(
        received_at=timezone.now() - timedelta(days=20)
    )
    for number in (a, b):
        complaint_act(tracking_no=number, actor=persona("call_centre"), action="forward")
    complaint_act(
        tracking_no=a,
        actor=persona("chonburi_centre"),
        action="dispatch",
        data={"assignees": ["chonburi_tech"], "team_type": "mr_prapa"},
    )
    complaint_act(
        tracking_no=b,
        actor=persona("chonburi_centre"),
        action="dispatch",
        data={"assignees": ["chonburi_tech2"], "team_type": "mr_prapa"},
    )
    as_(client, "chonburi_centre")
    page = client.get("/staff/queues/to_inform/", {"technician": "chonburi_tech2"})
    assert b in page.content.decode() and a not in page.content.decode()
    today = timezone.localdate().isoformat()
    page = client.get("/staff/queues/to_forward/", {"received_from": today}).content.decode()
    assert old not in page
    page = client.get(
        "/staff/queues/to_forward/", {"received_to": (timezone.localdate() - timedelta(days=10))}
    ).content.decode()
    assert old in page
    page = client.get("/staff/queues/to_inform/", {"unit": "chonburi-centre"}).content.decode()
    assert a in page and b in page
    assert 'value="chonburi-centre"' in page and 'value="pattaya-centre"' not in page
    page = client.get("/staff/queues/to_inform/", {"channel": "line"}).content.decode()
    assert a not in page and b not in page


def test_a_refusal_reads_in_thai_on_the_page_and_in_english_from_the_api(
    client, register, persona, api
):
    number = register().tracking_no
    as_(client, "chonburi_centre")
    page = client.post(
        f"/staff/complaints/{number}/actions/verify/", {}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "ไม่สามารถ" in page and "ตรวจสอบผลการแก้ไข" in page
    officer = api("chonburi_centre")
    english = officer.act(number, "verify", {})
    assert english.status_code == 409 and "cannot be done" in english.json()["detail"]
    assert "Accept-Language" in english["Vary"]  # caches keep the two languages apart
    thai = officer.post(
        f"/complaints/{number}/actions/verify", {}, headers={"Accept-Language": "th"}
    )
    assert thai.status_code == 409 and "ไม่สามารถ" in thai.json()["detail"]


def test_a_staff_conduct_complaint_is_not_shown_as_the_same_customers(client, register):
    conduct = register(category="service_conduct", subcategory="rude_staff", by="chonburi_officer")
    supply = register(location={"lat": 14.0, "lon": 101.0}).tracking_no
    page = as_(client, "chonburi_centre").get(f"/staff/complaints/{supply}/").content.decode()
    assert conduct.tracking_no not in page
    page = as_(client, "chonburi_manager").get(f"/staff/complaints/{supply}/").content.decode()
    assert conduct.tracking_no in page  # the manager may know who made it


def test_a_file_is_served_under_a_neutral_name_to_those_who_may_not_see_the_customer(
    client, register
):
    number = register().tracking_no
    as_(client, "chonburi_centre").post(
        f"/staff/complaints/{number}/files/",
        {"kind": "before", "files": [SimpleUploadedFile("สมชาย-0812345678.png", PNG)]},
    )
    photo = Attachment.objects.get()
    mine = client.get(f"/staff/complaints/{number}/files/{photo.pk}/")
    assert "0812345678" in mine["Content-Disposition"] or "%" in mine["Content-Disposition"]
    assert mine["Cache-Control"] == "private, no-store"
    theirs = as_(client, "analyst").get(f"/staff/complaints/{number}/files/{photo.pk}/")
    assert theirs["Content-Disposition"].endswith(f'"{number}-{photo.pk}.png"')
    page = client.get(f"/staff/complaints/{number}/").content.decode()
    assert "0812345678" not in page and "สมชาย" not in page


def test_a_mistyped_number_in_an_address_is_not_found(client):
    as_(client, "chonburi_centre")
    assert client.get("/staff/complaints/69-0000001-0/").status_code == 404
    assert client.get("/staff/complaints/69-0000001-0/files/1/").status_code == 404
    assert (
        client.post("/staff/complaints/69-0000001-0/duplicates/", {"numbers": ["x"]}).status_code
        == 404
    )


def test_a_region_is_offered_the_units_of_its_region_and_head_office(client, register):
    register()
    page = as_(client, "region1").get("/staff/queues/to_forward/").content.decode()
    assert 'value="r1-engineering"' in page
    assert 'value="khon-kaen-centre"' not in page and 'value="r6-engineering"' not in page
