"""Throwaway review probes (to be deleted)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tanjai.conftest import new_complaint_payload
from tanjai.complaints.models import Complaint


FILLER = " ".join(str(n) for n in range(1001, 1101))  # 100 distinct words, ~500 chars


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")
def test_pg_common_words_product_overflows(api):
    officer = api("call_centre")
    text = FILLER + " ท่อประปาแตก น้ำไม่ไหลตั้งแต่เมื่อคืน"
    for _ in range(40):
        officer.post("/complaints", new_complaint_payload(description=text))
    for _ in range(10):
        officer.post("/complaints", new_complaint_payload(description="น้ำขุ่นมาก"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
    from tanjai.complaints.selectors import _common_word_frequencies

    words = ["ท่อ", "ประปา", "แตก", "น้ำ", "ไม่", "ไหล"]
    assert set(_common_word_frequencies(words)) == set(words)
    r = officer.get("/complaints", q="ท่อประปาแตก น้ำไม่ไหล")
    assert r.status_code == 200, r.content[:300]
    assert r.json()["count"] == 40


def test_list_description_is_not_masked(api):
    officer = api("call_centre")
    officer.post(
        "/complaints",
        new_complaint_payload(description="น้ำไม่ไหล โทร 081-234-5678 บ้านเลขที่ 12/3"),
    )
    analyst = api("analyst")
    items = analyst.get("/complaints").json()["items"]
    number = items[0]["tracking_no"]
    detail = analyst.get(f"/complaints/{number}").json()
    assert "081-234-5678" not in detail["description"]  # detail masks
    assert "081-234-5678" not in items[0]["description"], items[0]["description"]


def test_inform_plan_in_event_data_is_not_masked(api):
    officer = api("call_centre")
    centre = api("chonburi_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    assert officer.act(number, "forward").status_code == 200
    promised = (timezone.now() + timedelta(hours=5)).isoformat()
    r = centre.act(
        number,
        "inform_customer",
        {
            "plan": "นัดลูกค้าที่เบอร์ 081-234-5678 บ้านเลขที่ 12/3",
            "promised_at": promised,
            "contact_method": "phone",
        },
    )
    assert r.status_code == 200, r.content
    detail = api("analyst").get(f"/complaints/{number}").json()
    ev = [e for e in detail["events"] if e["action"] == "inform_customer"][0]
    assert "081-234-5678" not in ev["note"]
    assert "081-234-5678" not in str(ev["data"]), ev["data"]


def test_thai_digit_phone_in_note_is_not_masked():
    from tanjai.core.text import mask_personal_text

    assert "๕๖๗๘" not in mask_personal_text("โทร ๐๘๑-๒๓๔-๕๖๗๘")


def test_mask_other_false_negatives():
    from tanjai.core.text import mask_personal_text

    out = {
        t: mask_personal_text(t)
        for t in [
            "โทร (02) 123-4567",
            "โทร 081 - 234 - 5678",
            "เลขที่ผู้ใช้น้ำ 1234567890",
            "อีเมล somchai@example.com",
            "นัดวันที่ 12/3 เวลาสิบโมง",
        ]
    }
    print(out)


def test_reopen_after_close_with_customer_escalates_inform(register, persona):
    from tanjai.complaints.services import complaint_act
    from tanjai.sla.services import sla_status, sla_watch

    c = register()
    t0 = c.received_at
    centre = persona("chonburi_centre")
    tech = "chonburi_tech"
    complaint_act(tracking_no=c.tracking_no, actor=persona("call_centre"), action="forward", now=t0 + timedelta(minutes=5))
    complaint_act(tracking_no=c.tracking_no, actor=centre, action="dispatch",
                  data={"assignees": [tech], "team_type": "mr_prapa"}, now=t0 + timedelta(minutes=10))
    complaint_act(tracking_no=c.tracking_no, actor=centre, action="report_fixed",
                  data={"result": "ok"}, now=t0 + timedelta(hours=1))
    complaint_act(tracking_no=c.tracking_no, actor=centre, action="verify", now=t0 + timedelta(hours=2))
    c = complaint_act(tracking_no=c.tracking_no, actor=centre, action="close",
                      data={"customer_reached": True, "satisfaction": 5}, now=t0 + timedelta(hours=3))
    assert sla_status(c, now=t0 + timedelta(hours=3))["inform"]["state"] == "met"
    later = t0 + timedelta(days=3)
    c = complaint_act(tracking_no=c.tracking_no, actor=centre, action="reopen",
                      data={"reason": "รั่วอีก"}, now=later)
    print("after reopen", c.inform_escalation_level, c.sla_next_check_at, sla_status(c, now=later)["inform"])
    recorded = sla_watch(now=later + timedelta(minutes=1))
    c.refresh_from_db()
    evs = list(c.events.filter(action="sla_escalated").values_list("data", flat=True))
    print(evs)
    assert not [e for e in evs if e["target"] == "inform"], evs


def test_calendar_cache_pins_each_rebuilt_calendar():
    import gc
    import tracemalloc

    from tanjai.sla import clock
    from tanjai.sla.escalation import _overdue_again_at

    _overdue_again_at.cache_clear()
    base = timezone.now()
    tracemalloc.start()
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    n = 500
    for i in range(n):
        cal = clock.default_calendar()  # what calendar_current() rebuilds each minute
        _overdue_again_at(base + timedelta(minutes=i), 15, "working_days", cal)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per = (after - before) / n
    print(f"per entry {per:.0f} bytes; 65536 entries ~ {per * 65536 / 1e6:.0f} MB")
    _overdue_again_at.cache_clear()
