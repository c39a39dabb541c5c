"""SLA deadlines stored on the complaint, and the watcher that escalates them once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.services import complaint_act
from tanjai.notifications.models import Notification
from tanjai.sla.services import sla_status, sla_watch

pytestmark = pytest.mark.django_db
BKK = ZoneInfo("Asia/Bangkok")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BKK)


def test_working_day_targets_skip_weekends_and_songkran(register):
    # A high bill reported on Friday 10 April 2026 at 10:00: 7 working days, with the
    # weekend and Songkran (13-15 April) not counted: 16, 17, 20, 21, 22, 23, 24 April -> Friday 24 April 10:00.
    with time_machine.travel(at(2026, 4, 10, 10, 0), tick=False):
        complaint = register(category="billing_meter", subcategory="high_bill")
    assert complaint.inform_due_at == at(2026, 4, 11, 10, 0)
    assert complaint.resolve_due_at == at(2026, 4, 24, 10, 0)


def test_a_subcategory_policy_wins_over_its_category(register):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        main = register(category="leak", subcategory="main_burst")
        pipe = register(category="leak", subcategory="service_pipe_leak")
    assert main.resolve_due_at - main.received_at == timedelta(hours=24)
    assert pipe.resolve_due_at - pipe.received_at == timedelta(hours=48)


def test_changing_the_category_recomputes_the_deadline(register, persona):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        complaint = register(category="supply", subcategory="no_water")
        assert complaint.resolve_due_at == at(2026, 11, 3, 9, 0)
        complaint = complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("call_centre"),
            action="recategorise",
            data={"category": "quality", "subcategory": "turbid"},
        )
    assert complaint.resolve_due_at == at(2026, 11, 5, 9, 0)
    event = Event.objects.filter(complaint=complaint, action="recategorise").get()
    assert event.data["from"]["category"] == "supply" and event.data["to"]["category"] == "quality"


def test_waiting_on_the_customer_pauses_the_resolve_clock(register, persona, advance):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        complaint = advance(register(), "dispatch")
    with time_machine.travel(at(2026, 11, 2, 12, 0), tick=False):
        complaint = complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_tech"),
            action="await_customer",
            data={"reason": "ลูกค้าไม่อยู่ เข้าบ้านไม่ได้"},
        )
        assert complaint.resolve_due_at is None  # the clock is stopped
        assert sla_status(complaint)["resolve"]["state"] == "open_on_time"
    with time_machine.travel(at(2026, 11, 3, 12, 0), tick=False):  # 24 h later
        complaint = complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_centre"),
            action="resume",
            data={},
        )
    assert complaint.resolve_due_at == at(2026, 11, 4, 9, 0)
    # The inform target is not paused.
    assert complaint.inform_due_at == at(2026, 11, 3, 9, 0)


def test_a_reopening_starts_a_new_resolve_cycle(register, persona, advance):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        complaint = register()
        complaint = advance(complaint, "close")
    with time_machine.travel(at(2026, 11, 10, 14, 0), tick=False):
        complaint = complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_centre"),
            action="reopen",
            data={"reason": "ไม่ไหลอีก"},
        )
    assert complaint.resolve_due_at == at(2026, 11, 11, 14, 0)


def test_sla_states(register, persona):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        complaint = register()
    assert sla_status(complaint, now=at(2026, 11, 2, 10, 0))["inform"]["state"] == "open_on_time"
    assert sla_status(complaint, now=at(2026, 11, 4, 10, 0))["resolve"]["state"] == "open_overdue"
    with time_machine.travel(at(2026, 11, 3, 15, 0), tick=False):
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("call_centre"),
            action="forward",
            data={},
        )
        complaint = complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_centre"),
            action="inform_customer",
            data={
                "plan": "ซ่อม",
                "promised_at": at(2026, 11, 4, 12, 0).isoformat(),
                "contact_method": "phone",
                "late_reason": "รอท่อ",
            },
        )
    status = sla_status(complaint, now=at(2026, 11, 5, 0, 0))
    assert status["inform"]["state"] == "breached"
    assert status["resolve"]["state"] == "open_overdue"
    ended = register()
    ended = complaint_act(
        tracking_no=ended.tracking_no,
        actor=persona("call_centre"),
        action="mark_not_relevant",
        data={"reason": "x"},
    )
    assert sla_status(ended)["resolve"]["state"] == "not_applicable"


def test_the_watcher_escalates_each_level_once_and_tells_the_right_people(register):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        complaint = register()  # supply: inform and resolve both due 3 Nov 09:00
    assert sla_watch(now=at(2026, 11, 2, 10, 0)) == 0
    # 4 hours before: due soon, for both targets
    assert sla_watch(now=at(2026, 11, 3, 5, 30)) == 2
    assert sla_watch(now=at(2026, 11, 3, 5, 30)) == 0  # running it again records nothing
    assert sla_watch(now=at(2026, 11, 3, 9, 1)) == 2  # breached
    escalations = Event.objects.filter(complaint=complaint, action="sla_escalated")
    assert sorted((e.data["target"], e.data["level_name"]) for e in escalations) == [
        ("inform", "breached"),
        ("inform", "due_soon"),
        ("resolve", "breached"),
        ("resolve", "due_soon"),
    ]
    managers = set(
        Notification.objects.filter(channel="inbox").values_list("user__username", flat=True)
    )
    assert managers == {"chonburi_manager"}
    # Overdue by a whole target again (24 h more): the region hears of it.
    assert sla_watch(now=at(2026, 11, 4, 9, 1)) == 2
    told = set(
        Notification.objects.filter(channel="inbox").values_list("user__username", flat=True)
    )
    assert told == {"chonburi_manager", "region1"}
    complaint.refresh_from_db()
    assert complaint.sla_next_check_at is None
    assert sla_watch(now=at(2026, 11, 20, 9, 0)) == 0


def test_a_watcher_that_skips_a_run_catches_up_all_levels_at_once(register):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        register()
    assert sla_watch(now=at(2026, 11, 9, 9, 0)) == 6
    assert Complaint.objects.get().sla_next_check_at is None


def test_informing_the_customer_stops_inform_escalations(register, persona):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        complaint = register(category="quality", subcategory="turbid")
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("call_centre"),
            action="forward",
            data={},
        )
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_centre"),
            action="inform_customer",
            data={
                "plan": "เก็บตัวอย่างน้ำ",
                "promised_at": at(2026, 11, 4, 9, 0).isoformat(),
                "contact_method": "line",
            },
        )
    assert sla_watch(now=at(2026, 11, 3, 10, 0)) == 0
    assert sla_watch(now=at(2026, 11, 5, 10, 0)) == 2  # resolve: due soon + breached
