"""Edges of scope, privacy and input found in review."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tanjai.accounts.models import PersonalDataAccess
from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.services import complaint_act
from tanjai.conftest import new_complaint_payload
from tanjai.sla.services import sla_watch

pytestmark = pytest.mark.django_db
BKK = ZoneInfo("Asia/Bangkok")


def test_forwarding_out_of_ones_scope_succeeds_without_showing_the_complaint(api):
    officer = api("chonburi_officer")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    response = officer.act(number, "forward", {"unit": "khon-kaen-centre"})
    assert response.status_code == 200
    assert response.json() == {
        "tracking_no": number,
        "status": "forwarded",
        "branch": "khon-kaen",
        "version": 2,
        "out_of_scope": True,
    }
    assert api("khonkaen_centre").get(f"/complaints/{number}").status_code == 200
    assert Complaint.objects.get(tracking_no=number).region.number == 6


def test_a_shorter_deadline_after_a_category_change_is_still_escalated(register, persona):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=BKK), tick=False):
        complaint = register(category="quality", subcategory="turbid")  # 72 h
    with time_machine.travel(datetime(2026, 11, 3, 12, 0, tzinfo=BKK), tick=False):  # 27 h later
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("call_centre"),
            action="recategorise",
            data={"category": "supply", "subcategory": "no_water"},
        )  # 24 h: already breached
    sla_watch(now=datetime(2026, 11, 3, 12, 1, tzinfo=BKK))
    resolve = Event.objects.filter(
        complaint=complaint, action="sla_escalated", data__target="resolve"
    )
    assert sorted(e.data["level_name"] for e in resolve) == ["breached", "due_soon"]


def test_the_address_and_pin_are_personal_data(api):
    number = api("call_centre").post("/complaints", new_complaint_payload()).json()["tracking_no"]
    seen_by_analyst = api("analyst").get(f"/complaints/{number}").json()["location"]
    assert seen_by_analyst["address"] is None and seen_by_analyst["lat"] is None
    before = PersonalDataAccess.objects.count()
    anonymous = (
        api("call_centre")
        .post("/complaints", new_complaint_payload(anonymous=True, customer=None))
        .json()["tracking_no"]
    )
    assert PersonalDataAccess.objects.count() == before + 1  # the officer saw the address
    assert api("chonburi_centre").get(f"/complaints/{anonymous}").json()["location"]["address"]


def test_an_outside_case_number_in_another_scope_is_a_conflict_not_a_leak(api):
    chonburi = api("chonburi_officer")
    first = chonburi.post(
        "/complaints", new_complaint_payload(channel="facebook", external_ref="FB-1")
    )
    again = chonburi.post(
        "/complaints", new_complaint_payload(channel="facebook", external_ref="FB-1")
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["tracking_no"] == first.json()["tracking_no"]
    other = api("khonkaen_centre").post(
        "/complaints",
        new_complaint_payload(channel="facebook", external_ref="FB-1", branch="khon-kaen"),
    )
    assert other.status_code == 409 and first.json()["tracking_no"] not in other.content.decode()


def test_a_technician_loses_the_customer_when_the_job_ends(api, register, persona, advance):
    complaint = register()
    advance(complaint, "dispatch")
    tech = api("chonburi_tech")
    assert tech.get(f"/complaints/{complaint.tracking_no}").json()["customer"]["phone"]
    complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="mark_not_relevant",
        data={"reason": "ไม่ใช่ท่อ กปภ."},
    )
    assert tech.get(f"/complaints/{complaint.tracking_no}").json()["customer"] == "hidden"


def test_bad_pages_fields_and_versions(api):
    officer = api("call_centre")
    assert officer.get("/complaints", page=10**19).status_code == 400
    assert officer.get("/complaints", page_size=500).status_code == 400
    typo = officer.post("/complaints", {**new_complaint_payload(), "custmer": {"name": "x"}})
    assert typo.status_code == 400 and "custmer" in typo.json()["errors"]
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    assert officer.act(number, "forward", {"version": 0}).status_code == 409
    officer.post("/complaints", new_complaint_payload())
    page = officer.get("/complaints", page=5, page_size=10).json()
    assert page["items"] == [] and page["count"] == 2


def test_a_branch_moved_to_another_region_takes_its_complaints(register, tmp_path):
    from django.core.management import call_command

    complaint = register()
    path = tmp_path / "b.csv"
    path.write_text(
        "code,name_th,name_en,region\nchonburi,กปภ.สาขาชลบุรี,PWA Chonburi Branch,2\n",
        encoding="utf-8",
    )
    call_command("import_branches", str(path))
    complaint.refresh_from_db()
    assert complaint.region.number == 2


def test_free_text_is_masked_for_readers_who_may_not_see_the_complainant(api):
    officer = api("call_centre")
    number = officer.post(
        "/complaints",
        new_complaint_payload(description="น้ำไม่ไหล บ้านเลขที่ 12/3 โทร 081-234-5678"),
    ).json()["tracking_no"]
    assert api("analyst").get(f"/complaints/{number}").json()["description"] == (
        "น้ำไม่ไหล บ้านเลขที่ [เลขที่] โทร [เบอร์โทร]"
    )
    assert (
        "081-234-5678" in api("chonburi_centre").get(f"/complaints/{number}").json()["description"]
    )


def test_masking_reaches_lists_recorded_plans_and_notices(api, settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    officer, centre = api("call_centre"), api("chonburi_centre")
    number = officer.post(
        "/complaints", new_complaint_payload(description="น้ำไม่ไหล โทร 081-234-5678")
    ).json()["tracking_no"]
    analyst = api("analyst")
    listed = analyst.get("/complaints").json()["items"][0]["description"]
    assert listed == "น้ำไม่ไหล โทร [เบอร์โทร]"
    assert "081-234-5678" in officer.get("/complaints").json()["items"][0]["description"]
    officer.act(number, "forward")
    centre.act(
        number,
        "inform_customer",
        {
            "plan": "จะโทรกลับที่ 089-999-8888",
            "promised_at": "2099-01-01T10:00:00+07:00",
            "contact_method": "phone",
            "late_reason": "ทดสอบ",
        },
    )
    events = analyst.get(f"/complaints/{number}").json()["events"]
    assert events[-1]["data"]["plan"] == "จะโทรกลับที่ [เบอร์โทร]"
    assert events[-1]["note"] == "จะโทรกลับที่ [เบอร์โทร]"
    assert mail.outbox == [] or all("081-234-5678" not in m.body for m in mail.outbox)
    from tanjai.notifications.models import Notification

    bodies = list(Notification.objects.values_list("body", flat=True))
    assert bodies and all("081-234-5678" not in b for b in bodies)


def test_numbers_and_addresses_do_not_find_complaints_for_readers_without_identity(api):
    officer = api("call_centre")
    officer.post(
        "/complaints",
        new_complaint_payload(description="ท่อแตก โทร 0812345678", location={"address": "ซอยลับแล"}),
    )
    assert officer.get("/complaints", q="0812345678").json()["count"] == 1
    assert api("analyst").get("/complaints", q="ท่อแตก 0812345678").json()["count"] == 1
    assert (
        api("analyst").get("/complaints", q="0812345678").json()["count"] == 1
    )  # no words left: no filter
    assert officer.get("/complaints", q="ลับแล").json()["count"] == 0  # the address is not indexed


def test_a_deadline_that_moves_away_and_back_is_announced_once(register, persona):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=BKK), tick=False):
        complaint = register()  # supply: 24 h
    sla_watch(now=datetime(2026, 11, 3, 15, 0, tzinfo=BKK))  # due soon + breached, both targets
    for category, sub in (("quality", "turbid"), ("supply", "no_water")):
        with time_machine.travel(datetime(2026, 11, 3, 15, 5, tzinfo=BKK), tick=False):
            complaint_act(
                tracking_no=complaint.tracking_no,
                actor=persona("call_centre"),
                action="recategorise",
                data={"category": category, "subcategory": sub},
            )
    sla_watch(now=datetime(2026, 11, 3, 15, 10, tzinfo=BKK))
    resolve = Event.objects.filter(
        complaint=complaint, action="sla_escalated", data__target="resolve"
    )
    assert sorted(e.data["level_name"] for e in resolve) == ["breached", "due_soon"]


def test_a_reopened_complaint_closed_with_the_customer_does_not_escalate_informing(
    register, persona, advance
):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=BKK), tick=False):
        complaint = register()
        complaint = advance(complaint, "close")
    with time_machine.travel(datetime(2026, 11, 5, 9, 0, tzinfo=BKK), tick=False):
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_centre"),
            action="reopen",
            data={"reason": "รั่วอีก"},
        )
    sla_watch(now=datetime(2026, 11, 5, 9, 1, tzinfo=BKK))
    assert not Event.objects.filter(complaint=complaint, data__target="inform").exists()


def test_a_proxy_address_with_a_port_is_read(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    response = client.post(
        "/api/v1/auth/token",
        {"username": "admin", "password": "wrong"},
        content_type="application/json",
        headers={"X-Forwarded-For": "198.51.100.2, 203.0.113.7:51234"},
    )
    assert response.status_code == 401
    from tanjai.accounts.models import LoginFailure

    assert LoginFailure.objects.get().address == "203.0.113.7"
