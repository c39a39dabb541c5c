"""Step 9: ครส. marks an organisation-level issue (from complaints, or a pattern), assigns
improvement actions, the owner records progress with evidence, overdue actions are flagged
and the issue closes when its actions are done."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tanjai.complaints.errors import Forbidden, InvalidInput
from tanjai.conftest import PASSWORD
from tanjai.improvement.models import ActionUpdate, IssueStatus
from tanjai.improvement.services import (
    action_create,
    action_update,
    actions_overdue,
    issue_create,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64


def test_an_issue_from_a_pattern_followed_to_completion(register, persona):
    place = {
        "address": "ถนนสุขุมวิท",
        "province": "ชลบุรี",
        "district": "เมืองชลบุรี",
        "lat": 13.36,
        "lon": 100.98,
    }
    leaks = [register(category="leak", subcategory="main_burst", location=place) for _ in range(3)]
    register(category="quality", subcategory="turbid", location=place)
    register(category="leak", subcategory="main_burst", location={**place, "province": "ระยอง"})
    committee = persona("committee")
    with pytest.raises(Forbidden):
        issue_create(actor=persona("chonburi_manager"), title="x", subcategory="main_burst")
    with pytest.raises(InvalidInput) as refused:
        issue_create(actor=committee, title="x", tracking_numbers=["69-9999999-9", "nonsense"])
    assert "complaints" in refused.value.errors
    issue = issue_create(
        actor=committee,
        title="ท่อเมนแตกซ้ำในเขตเมืองชลบุรี",
        subcategory="main_burst",
        province=leaks[0].province,
    )
    assert set(issue.complaints.values_list("pk", flat=True)) >= {c.pk for c in leaks}
    assert issue.complaints.count() == 3  # not the turbid water, not the leak in Rayong

    with pytest.raises(InvalidInput) as refused:
        action_create(actor=committee, issue=issue, title="เปลี่ยนท่อ", unit="nowhere",
                      owner="nobody", due_date=timezone.localdate() - timedelta(days=1))  # fmt: skip
    assert set(refused.value.errors) == {"unit", "owner", "due_date"}
    action = action_create(
        actor=committee,
        issue=issue,
        title="เปลี่ยนท่อเมนช่วงถนนสุขุมวิท",
        unit="chonburi-centre",
        owner="chonburi_manager",
        due_date=timezone.localdate() + timedelta(days=30),
    )
    from tanjai.improvement.services import actions_overdue_remind
    from tanjai.notifications.models import Notification

    assigned = Notification.objects.filter(user__username="chonburi_manager", channel="inbox")
    assert assigned.count() == 1 and "เปลี่ยนท่อ" in assigned.get().subject
    assert not actions_overdue().filter(pk=action.pk).exists()
    late = timezone.localdate() + timedelta(days=31)
    assert actions_overdue_remind(today=late) == 1
    assert actions_overdue_remind(today=late) == 1  # the same day again: nothing new sent
    assert Notification.objects.filter(channel="inbox", subject__startswith="เลยกำหนด").count() == 2
    assert (
        actions_overdue(today=timezone.localdate() + timedelta(days=31))
        .filter(pk=action.pk)
        .exists()
    )

    with pytest.raises(Forbidden):  # not the owner
        action_update(actor=persona("khonkaen_manager"), action=action, note="x", status="done")
    evidence = io.BytesIO(PDF)
    evidence.name = "report.pdf"
    action_update(actor=persona("chonburi_manager"), action=action, note="สำรวจแนวท่อแล้ว",
                  status="in_progress", evidence=evidence)  # fmt: skip
    bad = io.BytesIO(b"MZ\x90\x00 not a document")
    bad.name = "x.exe"
    with pytest.raises(InvalidInput):
        action_update(actor=persona("chonburi_manager"), action=action, note="x",
                      status="in_progress", evidence=bad)  # fmt: skip
    action_update(
        actor=persona("chonburi_manager"), action=action, note="เปลี่ยนท่อเสร็จ", status="done"
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert ActionUpdate.objects.filter(action=action).count() == 2
    with pytest.raises(InvalidInput):  # finished already
        action_update(actor=committee, action=action, note="x", status="in_progress")


def test_the_pages_for_the_committee_and_an_owner(register, persona):
    complaint = register()
    committee = Client()
    assert committee.login(username="committee", password=PASSWORD)
    created = committee.post(
        "/staff/issues/", {"title": "น้ำไม่ไหลซ้ำ", "complaints": complaint.tracking_no}
    )
    assert created.status_code == 302
    page = created["Location"]
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    assigned = committee.post(page, {"form": "action", "title": "ตรวจแรงดัน", "unit": "chonburi-centre",
                                     "owner": "chonburi_manager", "due_date": due})  # fmt: skip
    assert assigned.status_code == 302
    owner = Client()
    assert owner.login(username="chonburi_manager", password=PASSWORD)
    assert "ตรวจแรงดัน" in owner.get("/staff/issues/").content.decode()
    html = owner.get(page).content.decode()
    assert complaint.tracking_no in html and 'name="evidence"' in html  # the owner may record
    action_id = html.split('data-action="')[1].split('"')[0]
    upload = io.BytesIO(PDF)
    upload.name = "evidence.pdf"
    done = owner.post(
        page,
        {
            "form": "update",
            "action": action_id,
            "note": "ตรวจแล้ว",
            "status": "done",
            "evidence": upload,
        },
    )
    assert done.status_code == 302
    update = ActionUpdate.objects.get()
    assert owner.get(f"/staff/issues/evidence/{update.pk}/").status_code == 200
    # Someone with no part in it sees neither the issue nor its evidence.
    other = Client()
    assert other.login(username="khonkaen_manager", password=PASSWORD)
    assert other.get(page).status_code == 404
    assert other.get(f"/staff/issues/evidence/{update.pk}/").status_code == 404
    assert other.get("/staff/issues/").status_code == 403


def test_owners_are_staff_of_the_unit_and_see_only_their_scope(register, persona):
    committee = persona("committee")
    here = register()
    there = register(branch="khon-kaen", location={"address": "x", "lat": 16.43, "lon": 102.83})
    issue = issue_create(
        actor=committee, title="แรงดันต่ำ", tracking_numbers=[here.tracking_no, there.tracking_no]
    )
    due = timezone.localdate() + timedelta(days=5)
    with pytest.raises(InvalidInput) as refused:  # a Khon Kaen manager for a Chonburi unit
        action_create(actor=committee, issue=issue, title="x", unit="chonburi-centre",
                      owner="khonkaen_manager", due_date=due)  # fmt: skip
    assert "owner" in refused.value.errors
    action = action_create(actor=committee, issue=issue, title="ตรวจแรงดัน", unit="chonburi-centre",
                           owner="chonburi_manager", due_date=due)  # fmt: skip
    with pytest.raises(InvalidInput):  # an owner records progress, ครส. cancels
        action_update(
            actor=persona("chonburi_manager"), action=action, note="x", status="cancelled"
        )
    owner = Client()
    assert owner.login(username="chonburi_manager", password=PASSWORD)
    html = owner.get(f"/staff/issues/{issue.pk}/").content.decode()
    assert here.tracking_no in html and there.tracking_no not in html
    assert (
        owner.post(
            f"/staff/issues/{issue.pk}/",
            {"form": "update", "action": "abc", "note": "x", "status": "done"},
        ).status_code
        == 404
    )
    analyst = Client()
    assert analyst.login(username="analyst", password=PASSWORD)
    assert there.tracking_no in analyst.get(f"/staff/issues/{issue.pk}/").content.decode()
