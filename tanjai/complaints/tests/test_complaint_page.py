"""The complaint page: every step from the browser's forms, by the role that does it."""

from __future__ import annotations

import pytest

from tanjai.accounts.models import PersonalDataAccess
from tanjai.complaints.models import Complaint
from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def as_(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def act(client, number, action, data=None, htmx=True):
    complaint = Complaint.objects.get(tracking_no=number)
    body = {"version": str(complaint.version), **(data or {})}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/staff/complaints/{number}/actions/{action}/", body, headers=headers)


def test_steps_two_to_six_from_the_forms(client, register):
    number = register().tracking_no
    page = as_(client, "call_centre").get(f"/staff/complaints/{number}/").content.decode()
    assert "ส่งต่อหน่วยงานที่รับผิดชอบ" in page and "ส่งมิสเตอร์ประปาหรือทีมบริการ" not in page
    assert act(client, number, "forward", {"note": "น้ำไม่ไหลทั้งซอย"}).status_code == 200

    as_(client, "chonburi_centre")
    page = act(
        client, number, "dispatch", {"assignees": ["chonburi_tech"], "team_type": "mr_prapa"}
    )
    assert "กำลังดำเนินการ" in page.content.decode()
    page = act(
        client,
        number,
        "inform_customer",
        {
            "plan": "ช่างจะเข้าซ่อมวันนี้",
            "promised_at": "2099-01-01T15:00",
            "contact_method": "phone",
            "late_reason": "รอท่อ",
        },
    )
    assert "ช่างจะเข้าซ่อมวันนี้" in page.content.decode()

    as_(client, "chonburi_tech")
    assert act(client, number, "report_fixed", {"result": "เปลี่ยนท่อแล้ว"}).status_code == 200

    as_(client, "chonburi_centre")
    act(client, number, "verify", {})
    page = act(client, number, "close", {"customer_reached": "on", "satisfaction": "5"}, htmx=False)
    assert page.status_code == 302
    complaint = Complaint.objects.get(tracking_no=number)
    assert complaint.status == "closed" and complaint.satisfaction == 5
    assert complaint.promised_at.isoformat().startswith("2099-01-01T08:00")  # 15:00 Bangkok


def test_a_refusal_says_why_and_keeps_what_was_typed(client, register):
    number = register().tracking_no
    as_(client, "call_centre")
    act(client, number, "forward")
    as_(client, "chonburi_centre")
    response = act(client, number, "dispatch", {"team_type": "mr_prapa", "note": "ด่วนมาก"})
    assert response.status_code == 200  # HTMX swaps only successful answers
    page = response.content.decode()
    without_htmx = act(client, number, "dispatch", {"team_type": "mr_prapa"}, htmx=False)
    assert without_htmx.status_code == 400
    assert 'role="alert"' in page and "assignees" in page
    assert "ด่วนมาก" in page  # the note typed is still there
    assert Complaint.objects.get(tracking_no=number).status == "forwarded"


def test_someone_else_acting_first_shows_the_new_state(client, register):
    number = register().tracking_no
    as_(client, "call_centre")
    stale = Complaint.objects.get(tracking_no=number).version
    act(client, number, "forward")
    page = client.post(
        f"/staff/complaints/{number}/actions/mark_not_relevant/",
        {"version": str(stale), "reason": "ซ้ำ"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "ส่งต่อศูนย์แล้ว" in page and 'role="alert"' in page


def test_another_branch_cannot_open_or_act_and_showing_identity_is_logged(client, register):
    number = register().tracking_no
    assert as_(client, "khonkaen_centre").get(f"/staff/complaints/{number}/").status_code == 404
    assert act(client, number, "forward").status_code == 404
    before = PersonalDataAccess.objects.filter(via="web").count()
    page = as_(client, "chonburi_centre").get(f"/staff/complaints/{number}/").content.decode()
    assert "สมชาย ใจดี" in page
    assert PersonalDataAccess.objects.filter(via="web").count() == before + 1
    analyst_page = as_(client, "analyst").get(f"/staff/complaints/{number}/").content.decode()
    assert "สมชาย ใจดี" not in analyst_page and "<summary>" not in analyst_page  # no actions


def test_forwarding_out_of_ones_area_says_so(client, register):
    number = register().tracking_no
    as_(client, "chonburi_officer")
    page = act(client, number, "forward", {"unit": "khon-kaen-centre"}).content.decode()
    assert number in page and Complaint.objects.get(tracking_no=number).branch.code == "khon-kaen"


def test_a_technician_sees_own_work_orders_and_reports_with_a_photo(client, register, advance):
    import io

    number = advance(register(), "dispatch").tracking_no
    register()  # another complaint, not theirs
    home = as_(client, "chonburi_tech").get("/staff/").content.decode()
    assert 'data-queue="my_jobs"' in home and 'data-queue="to_forward"' not in home
    jobs = client.get("/staff/queues/my_jobs/").content.decode()
    assert jobs.count("data-tracking-no=") == 1 and number in jobs
    page = client.get(f"/staff/complaints/{number}/").content.decode()
    assert "maps.google.com/?q=13.360000,100.980000" in page
    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 200)).save(photo, "JPEG")
    photo.seek(0)
    photo.name = "after.jpg"
    not_a_photo = io.BytesIO(b"MZ not an image")
    not_a_photo.name = "virus.jpg"
    refused = act(client, number, "report_fixed", {"result": "ซ่อมแล้ว", "photos": [not_a_photo]})
    assert 'role="alert"' in refused.content.decode()
    assert Complaint.objects.get(tracking_no=number).status == "in_progress"
    act(client, number, "report_fixed", {"result": "ซ่อมแล้ว", "photos": [photo]})
    complaint = Complaint.objects.get(tracking_no=number)
    assert complaint.status == "fixed"
    assert list(complaint.attachments.values_list("kind", flat=True)) == ["after"]
