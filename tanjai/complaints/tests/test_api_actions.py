"""Every workflow action over HTTP, and its refusal in a state the process does not allow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tanjai.complaints.workflow import ACTIONS, State
from tanjai.conftest import new_complaint_payload

pytestmark = pytest.mark.django_db


def soon(hours: int = 6) -> str:
    return (timezone.now() + timedelta(hours=hours)).isoformat()


def test_every_action_over_http(api):
    officer, centre, tech = api("call_centre"), api("chonburi_centre"), api("chonburi_tech")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    steps = [
        (
            officer,
            "recategorise",
            {"category": "leak", "subcategory": "service_pipe_leak"},
            "received",
        ),
        (officer, "forward", {"note": "ท่อรั่วหน้าบ้าน"}, "forwarded"),
        (
            centre,
            "inform_customer",
            {"plan": "ส่งช่าง", "promised_at": soon(), "contact_method": "sms"},
            "forwarded",
        ),
        (
            centre,
            "dispatch",
            {"assignees": ["chonburi_tech"], "team_type": "mr_prapa"},
            "in_progress",
        ),
        (tech, "await_customer", {"reason": "ลูกค้าไม่อยู่"}, "awaiting_customer"),
        (centre, "resume", {"note": "ลูกค้านัดใหม่"}, "in_progress"),
        (tech, "report_fixed", {"result": "เปลี่ยนท่อ"}, "fixed"),
        (centre, "reject_fix", {"reason": "ยังซึม"}, "in_progress"),
        (tech, "report_fixed", {"result": "เปลี่ยนข้อต่อ"}, "fixed"),
        (centre, "verify", {"note": "ตรวจแล้ว"}, "verified"),
        (centre, "close", {"customer_reached": False}, "closed"),
        (centre, "reopen", {"reason": "รั่วอีก"}, "in_progress"),
        (
            centre,
            "transfer_out",
            {"agency": "เทศบาลเมืองชลบุรี", "reason": "ท่อของเทศบาล"},
            "transferred",
        ),
    ]
    for client, action, body, state in steps:
        response = client.act(number, action, body)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["status"] == state, action
    detail = officer.get(f"/complaints/{number}").json()
    assert detail["reopen_count"] == 1
    assert detail["category"] == "leak"
    logged = [e["action"] for e in detail["events"]]
    assert logged == ["register"] + [s[1] for s in steps]

    master = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    dup = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    response = officer.act(dup, "mark_duplicate", {"of": master})
    assert response.status_code == 200 and response.json()["duplicate_of"] == master
    other = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    assert (
        officer.act(other, "mark_not_relevant", {"reason": "นอกเขต"}).json()["status"]
        == "not_relevant"
    )


@pytest.mark.parametrize(
    "action", sorted(a for a in ACTIONS if State.RECEIVED not in ACTIONS[a].from_states)
)
def test_actions_not_allowed_on_a_new_complaint_get_409(api, action):
    admin = api("admin")
    number = admin.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    response = admin.act(number, action, {})
    # The state is checked before the fields: the refusal names the state.
    assert response.status_code == 409
    assert "received" in response.json()["detail"]


def test_a_missing_or_non_object_body(api):
    officer = api("call_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    no_body = officer.client.post(
        f"/api/v1/complaints/{number}/actions/forward",
        "",
        content_type="application/json",
        headers=officer.headers,
    )
    assert no_body.status_code == 200
    listed = officer.client.post(
        f"/api/v1/complaints/{number}/actions/verify",
        "[1, 2]",
        content_type="application/json",
        headers=officer.headers,
    )
    assert listed.status_code == 400
