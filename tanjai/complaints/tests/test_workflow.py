"""The complaint process, steps 1-6, through the one workflow service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tanjai.complaints.errors import Conflict, Forbidden, InvalidInput, NotAllowedInState, NotFound
from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.services import complaint_act
from tanjai.complaints.workflow import ACTIONS, State
from tanjai.dispatch.models import WorkOrder, WorkOrderStatus

pytestmark = pytest.mark.django_db

# A valid body for every action, used to show that only the state decides.
VALID = {
    "forward": {"note": "ตรวจสอบแล้ว ส่งศูนย์"},
    "dispatch": {"assignees": ["chonburi_tech"], "team_type": "mr_prapa"},
    "inform_customer": {
        "plan": "ส่งช่างไปตรวจสอบ",
        "promised_at": (timezone.now() + timedelta(hours=5)).isoformat(),
        "contact_method": "phone",
    },
    "await_customer": {"reason": "ลูกค้าไม่อยู่บ้าน"},
    "resume": {},
    "report_fixed": {"result": "ซ่อมเสร็จ"},
    "verify": {},
    "reject_fix": {"reason": "ยังรั่ว"},
    "close": {"customer_reached": True, "satisfaction": 5},
    "reopen": {"reason": "น้ำไม่ไหลอีก"},
    "recategorise": {"category": "quality", "subcategory": "turbid"},
    "mark_duplicate": {"of": "PLACEHOLDER"},
    "mark_not_relevant": {"reason": "นอกเขตบริการ"},
    "transfer_out": {"agency": "การประปานครหลวง", "reason": "อยู่ในเขต กปน."},
    "contact_log": {"customer_reached": False, "note": "โทรแล้วไม่รับสาย"},
}


def walk(complaint, persona, to: str) -> Complaint:
    """Take a complaint along the happy path until it reaches state `to`."""
    path = [
        ("forward", "call_centre", State.FORWARDED),
        ("dispatch", "chonburi_centre", State.IN_PROGRESS),
        ("report_fixed", "chonburi_tech", State.FIXED),
        ("verify", "chonburi_centre", State.VERIFIED),
        ("close", "chonburi_centre", State.CLOSED),
    ]
    if complaint.status == to:
        return complaint
    for action, who, reached in path:
        complaint = complaint_act(
            tracking_no=complaint.tracking_no, actor=persona(who), action=action, data=VALID[action]
        )
        if reached == to:
            return complaint
    if to == State.AWAITING_CUSTOMER:
        return complaint
    raise AssertionError(f"cannot walk to {to}")


def test_the_whole_process_from_a_phone_call_to_closing(register, persona):
    complaint = register()
    assert complaint.status == State.RECEIVED
    assert complaint.inform_due_at == complaint.received_at + timedelta(hours=24)
    assert complaint.resolve_due_at == complaint.received_at + timedelta(hours=24)

    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("call_centre"),
        action="forward",
        data={"note": "น้ำไม่ไหลทั้งซอย"},
    )
    assert complaint.status == State.FORWARDED
    assert complaint.unit.code == "chonburi-centre"

    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="dispatch",
        data={"assignees": ["chonburi_tech", "chonburi_tech2"], "team_type": "service_team"},
    )
    assert complaint.status == State.IN_PROGRESS
    order = WorkOrder.objects.get(complaint=complaint)
    assert set(order.assignees.values_list("username", flat=True)) == {
        "chonburi_tech",
        "chonburi_tech2",
    }

    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="inform_customer",
        data=VALID["inform_customer"],
    )
    assert complaint.status == State.IN_PROGRESS  # a milestone, not a state
    assert complaint.informed_at is not None

    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_tech"),
        action="report_fixed",
        data={"result": "ซ่อมท่อเมนเรียบร้อย"},
    )
    assert complaint.status == State.FIXED
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrderStatus.COMPLETED

    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="verify",
        data={},
    )
    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="close",
        data={"customer_reached": True, "satisfaction": 4, "comment": "บริการดี"},
    )
    assert complaint.status == State.CLOSED
    assert complaint.satisfaction == 4

    actions = list(
        Event.objects.filter(complaint=complaint).values_list("action", "from_state", "to_state")
    )
    assert actions == [
        ("register", "", "received"),
        ("forward", "received", "forwarded"),
        ("dispatch", "forwarded", "in_progress"),
        ("inform_customer", "in_progress", "in_progress"),
        ("report_fixed", "in_progress", "fixed"),
        ("verify", "fixed", "verified"),
        ("close", "verified", "closed"),
    ]

    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="reopen",
        data={"reason": "น้ำไม่ไหลอีกแล้ว"},
    )
    assert complaint.status == State.IN_PROGRESS
    assert complaint.reopen_count == 1
    assert complaint.closed_at is None and complaint.satisfaction is None
    # The same people are sent back with a new work order.
    assert WorkOrder.objects.filter(complaint=complaint, status=WorkOrderStatus.OPEN).count() == 1


ALL_STATES = [s.value for s in State]


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_is_refused_in_every_state_the_process_does_not_allow(
    action, register, persona
):
    """409 with a message naming the state, for each (action, state) outside the table."""
    definition = ACTIONS[action]
    for state in ALL_STATES:
        if state in definition.from_states:
            continue
        complaint = register()
        other = register()
        Complaint.objects.filter(pk=complaint.pk).update(status=state, duplicate_of=other)
        data = dict(VALID[action])
        if action == "mark_duplicate":
            data["of"] = other.tracking_no
        with pytest.raises(NotAllowedInState) as refused:
            complaint_act(
                tracking_no=complaint.tracking_no, actor=persona("admin"), action=action, data=data
            )
        assert state in refused.value.message
        assert refused.value.status == 409
        assert Event.objects.filter(complaint=complaint).count() == 1  # nothing written


def test_a_technician_reports_only_their_own_work_order(register, persona):
    complaint = walk(register(), persona, State.IN_PROGRESS)
    with pytest.raises((Forbidden, NotFound)):
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_tech2"),
            action="report_fixed",
            data={"result": "x"},
        )
    with pytest.raises(Forbidden):
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_tech"),
            action="verify",
            data={},
        )


def test_another_branch_cannot_see_or_act(register, persona):
    complaint = walk(register(), persona, State.FORWARDED)
    with pytest.raises(NotFound):
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("khonkaen_centre"),
            action="dispatch",
            data=VALID["dispatch"],
        )
    with pytest.raises(NotFound):
        complaint_act(
            tracking_no=complaint.tracking_no, actor=persona("region6"), action="forward", data={}
        )


def test_read_only_roles_are_refused_with_403(register, persona):
    complaint = register()
    for who in ("analyst", "committee", "evaluator", "region1"):
        with pytest.raises(Forbidden):
            complaint_act(
                tracking_no=complaint.tracking_no,
                actor=persona(who),
                action="dispatch",
                data=VALID["dispatch"],
            )


def test_dispatch_names_technicians_of_the_branch_only(register, persona):
    complaint = walk(register(), persona, State.FORWARDED)
    with pytest.raises(InvalidInput) as refused:
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_centre"),
            action="dispatch",
            data={
                "assignees": ["khonkaen_tech", "nobody", "chonburi_centre"],
                "team_type": "mr_prapa",
            },
        )
    problems = " ".join(refused.value.errors["assignees"])
    assert "khonkaen_tech" in problems and "nobody" in problems and "ไม่ใช่ช่าง" in problems


def test_bad_fields_are_refused_per_field(register, persona):
    complaint = walk(register(), persona, State.VERIFIED)
    with pytest.raises(InvalidInput) as refused:
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_centre"),
            action="close",
            data={"customer_reached": True, "satisfaction": 9},
        )
    assert "satisfaction" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_centre"),
            action="close",
            data={"customer_reached": False, "satisfaction": 3},
        )
    assert "ติดต่อลูกค้าได้" in str(refused.value.errors)


def test_a_promise_later_than_the_sla_needs_a_reason(register, persona):
    complaint = walk(register(), persona, State.IN_PROGRESS)
    late = (complaint.resolve_due_at + timedelta(days=2)).isoformat()
    body = {"plan": "รออะไหล่", "promised_at": late, "contact_method": "phone"}
    with pytest.raises(InvalidInput) as refused:
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("chonburi_centre"),
            action="inform_customer",
            data=body,
        )
    assert "late_reason" in refused.value.errors
    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="inform_customer",
        data={**body, "late_reason": "ต้องสั่งมาตรวัดใหม่"},
    )
    assert (
        complaint.promised_at.isoformat() == late
        or complaint.promised_at > complaint.resolve_due_at
    )


def test_a_stale_version_gets_a_conflict(register, persona):
    complaint = register()
    seen = complaint.version
    complaint_act(
        tracking_no=complaint.tracking_no, actor=persona("call_centre"), action="forward", data={}
    )
    with pytest.raises(Conflict):
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("call_centre"),
            action="mark_not_relevant",
            data={"reason": "ซ้ำ"},
            expected_version=seen,
        )


def test_a_double_click_forwards_once(register, persona):
    complaint = register()
    complaint_act(
        tracking_no=complaint.tracking_no, actor=persona("call_centre"), action="forward", data={}
    )
    with pytest.raises(NotAllowedInState):
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=persona("call_centre"),
            action="forward",
            data={},
        )
    assert Event.objects.filter(complaint=complaint, action="forward").count() == 1


def test_duplicates_follow_the_head_of_the_chain(register, persona):
    master, second, third = register(), register(), register()
    complaint_act(
        tracking_no=second.tracking_no,
        actor=persona("call_centre"),
        action="mark_duplicate",
        data={"of": master.tracking_no},
    )
    third = complaint_act(
        tracking_no=third.tracking_no,
        actor=persona("call_centre"),
        action="mark_duplicate",
        data={"of": second.tracking_no},
    )
    assert third.status == State.DUPLICATE
    assert third.duplicate_of_id == master.pk
    with pytest.raises(InvalidInput):
        complaint_act(
            tracking_no=master.tracking_no,
            actor=persona("call_centre"),
            action="mark_duplicate",
            data={"of": master.tracking_no},
        )


def test_not_relevant_and_transfer_out_end_the_complaint_and_cancel_work(register, persona):
    complaint = walk(register(), persona, State.IN_PROGRESS)
    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="transfer_out",
        data=VALID["transfer_out"],
    )
    assert complaint.status == State.TRANSFERRED and complaint.ended_at is not None
    assert not WorkOrder.objects.filter(complaint=complaint, status=WorkOrderStatus.OPEN).exists()
    other = register()
    other = complaint_act(
        tracking_no=other.tracking_no,
        actor=persona("call_centre"),
        action="mark_not_relevant",
        data={"reason": "นอกพื้นที่"},
    )
    assert other.status == State.NOT_RELEVANT
    assert Event.objects.filter(complaint=other).last().note == "นอกพื้นที่"


def test_forwarding_to_another_branch_centre_moves_the_complaint(register, persona):
    complaint = register()
    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("call_centre"),
        action="forward",
        data={"unit": "pattaya-centre"},
    )
    assert complaint.branch.code == "pattaya"
    assert complaint.region.number == 1


def test_a_rejected_fix_goes_back_to_the_same_team(register, persona):
    complaint = walk(register(), persona, State.FIXED)
    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="reject_fix",
        data={"reason": "ยังมีน้ำซึม"},
    )
    assert complaint.status == State.IN_PROGRESS and complaint.fixed_at is None
    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_tech"),
        action="report_fixed",
        data={"result": "เปลี่ยนข้อต่อแล้ว"},
    )
    assert complaint.status == State.FIXED


def test_an_unknown_complaint_number_and_a_mistyped_one_are_not_found(persona):
    with pytest.raises(NotFound) as mistyped:
        complaint_act(tracking_no="69-0000001-0", actor=persona("admin"), action="forward", data={})
    assert "เลขตรวจสอบ" in mistyped.value.message
    with pytest.raises(NotFound):
        complaint_act(tracking_no="69-9999999-1", actor=persona("admin"), action="forward", data={})


def test_the_event_log_cannot_be_changed(register):
    event = Event.objects.filter(complaint=register()).first()
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(TypeError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger")
def test_the_database_itself_refuses_to_rewrite_the_event_log(register):
    from django.db import DatabaseError, transaction

    event = Event.objects.filter(complaint=register()).first()
    for sql in (
        "UPDATE complaints_event SET note = 'x' WHERE id = %s",
        "DELETE FROM complaints_event WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
