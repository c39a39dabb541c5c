"""Step 7: a branch submits its month, a change afterwards shows as a revision and never
alters what was submitted, the region consolidates and submits, head office takes it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tanjai.complaints.errors import Conflict, Forbidden, InvalidInput
from tanjai.complaints.models import Complaint
from tanjai.complaints.services import complaint_act
from tanjai.complaints.workflow import OPEN_STATES
from tanjai.conftest import PASSWORD
from tanjai.core.dates import BANGKOK, THAI_MONTH_NAMES
from tanjai.core.periods import month_period
from tanjai.demo.generator import seed_demo
from tanjai.notifications.models import Notification
from tanjai.organisation.models import Branch, Region
from tanjai.reference.models import Category
from tanjai.reports.models import MonthlySubmission
from tanjai.reports.scope import scope_parse
from tanjai.reports.selectors import category_sla
from tanjai.reports.services import reports_rebuild, reports_scope_refresh
from tanjai.reports.submissions import (
    branch_month_submit,
    branch_revision,
    branch_scope,
    datacenter_month,
    region_month,
    region_month_submit,
    region_revision,
    submission_reminders,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def last_month(module_transaction, django_db_blocker):
    """Last month's complaints of Chonburi, seeded once for the module; what a test adds or
    submits is undone after it."""
    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    with django_db_blocker.unblock():
        seed_demo(complaints=120, seed=4, batch=120, end=month_period(first).last, days=25,
                  branches=["chonburi"], technicians_per_branch=1)  # fmt: skip
        reports_rebuild()
    return first


def test_a_branch_submits_and_a_later_change_is_a_revision(last_month, persona):
    chonburi = Branch.objects.get(code="chonburi")
    manager = persona("chonburi_manager")
    first = branch_month_submit(actor=manager, branch=chonburi, month=last_month)
    live = category_sla(scope=scope_parse("branch:chonburi"), period=month_period(last_month))
    assert first.version == 1 and first.figures["totals"] == live["totals"]
    assert first.figures["totals"]["received"] > 0

    with pytest.raises(Conflict):  # nothing changed
        branch_month_submit(actor=manager, branch=chonburi, month=last_month)
    with pytest.raises(Forbidden):
        branch_month_submit(actor=persona("khonkaen_manager"), branch=chonburi, month=last_month)
    with pytest.raises(InvalidInput):  # this month is not over
        branch_month_submit(actor=manager, branch=chonburi, month=timezone.localdate())

    # A complaint of that month changes after it was submitted.
    month = month_period(last_month)
    changed = Complaint.objects.filter(
        branch=chonburi, received_at__gte=month.start, received_at__lt=month.end,
        status__in=sorted(OPEN_STATES),
    ).first() or Complaint.objects.filter(branch=chonburi, received_at__gte=month.start, received_at__lt=month.end).first()  # fmt: skip
    before = dict(first.figures["totals"])
    if changed.is_open:
        complaint_act(tracking_no=changed.tracking_no, actor=persona("call_centre"),
                      action="mark_not_relevant", data={"reason": "ทดสอบ"})  # fmt: skip
    else:
        complaint_act(tracking_no=changed.tracking_no, actor=persona("chonburi_centre"),
                      action="reopen", data={"reason": "ลูกค้าแจ้งว่ายังไม่หาย"})  # fmt: skip
    first.refresh_from_db()
    assert first.figures["totals"] == before  # submitted figures never move
    reports_scope_refresh(scope=branch_scope(chonburi))  # as the month's page does
    revision = branch_revision(first)
    assert revision, "the change shows as a revision"
    second = branch_month_submit(actor=manager, branch=chonburi, month=last_month, note="แก้ไข")
    assert second.version == 2 and second.changes == revision


def test_the_region_submits_on_time_without_a_late_branch_which_joins_the_next_version(
    last_month, persona
):
    region = Region.objects.get(number=1)
    officer = persona("region1")
    with pytest.raises(InvalidInput):  # no branch has submitted: nothing to send
        region_month_submit(actor=officer, region=region, month=last_month)
    chonburi = Branch.objects.get(code="chonburi")
    pattaya = Branch.objects.get(code="pattaya")
    branch_month_submit(actor=persona("chonburi_manager"), branch=chonburi, month=last_month)
    admin = persona("admin")
    others = Branch.objects.filter(region=region, active=True).exclude(
        pk__in=[chonburi.pk, pattaya.pk]
    )
    for branch in others:
        branch_month_submit(actor=admin, branch=branch, month=last_month)
    with pytest.raises(Forbidden):
        region_month_submit(actor=persona("region6"), region=region, month=last_month)

    # Before the branches' deadline a missing branch is not late: the region waits for it.
    following = month_period(last_month).last + timedelta(days=1)
    early = datetime.combine(following.replace(day=3), time(9), tzinfo=BANGKOK)
    with pytest.raises(InvalidInput, match="พัทยา"):
        region_month_submit(actor=officer, region=region, month=last_month, now=early)
    # Past it, Pattaya has still not submitted: the region sends on time, Pattaya named.
    on_time = datetime.combine(following.replace(day=8), time(9), tzinfo=BANGKOK)
    traveller = time_machine.travel(on_time)
    traveller.start()
    first = region_month_submit(actor=officer, region=region, month=last_month)
    branches = MonthlySubmission.objects.filter(level="branch", month=last_month, region=region)
    assert first.version == 1
    assert first.figures["totals"]["received"] == sum(
        b.figures["totals"]["received"] for b in branches
    )
    assert [m["branch"] for m in first.figures["missing"]] == ["pattaya"]
    assert len(first.figures["branches"]) == branches.count() == others.count() + 1
    pulled = datacenter_month(last_month)
    one = next(r for r in pulled["regions"] if r["region"] == 1)
    assert one["submitted"] and one["missing_branches"] == ["pattaya"]
    assert one["figures"]["totals"] == first.figures["totals"]
    assert not next(r for r in pulled["regions"] if r["region"] == 6)["submitted"]

    # Pattaya submits late; the region's next version holds it and records the change.
    assert region_revision(region, last_month) == []
    late = branch_month_submit(actor=admin, branch=pattaya, month=last_month)
    arrived = region_revision(region, last_month)
    assert [(a["branch"].code, a["was"], a["now"]) for a in arrived] == [("pattaya", None, 1)]
    second = region_month_submit(actor=officer, region=region, month=last_month)
    assert second.version == 2 and second.figures["missing"] == []
    assert {"category": "", "figure": "branch:pattaya", "was": 0, "now": 1} in second.changes
    assert second.figures["totals"]["received"] == (
        first.figures["totals"]["received"] + late.figures["totals"]["received"]
    )
    with pytest.raises(Conflict):  # nothing new since version 2
        region_month_submit(actor=officer, region=region, month=last_month)

    analyst = Client()
    assert analyst.login(username="analyst", password=PASSWORD)
    api = analyst.get(f"/api/v1/reports/monthly/{last_month:%Y-%m}/datacenter")
    assert api.status_code == 200 and api.json()["regions"][0]["region"] == 1
    assert api.json()["regions"][0]["version"] == 2
    centre = Client()
    assert centre.login(username="chonburi_centre", password=PASSWORD)
    assert centre.get(f"/api/v1/reports/monthly/{last_month:%Y-%m}/datacenter").status_code == 403
    traveller.stop()


def test_a_revision_after_the_deadline_is_not_lateness(last_month, persona):
    """Version 1 on time, version 2 after the deadline: on time, at every level."""
    following = month_period(last_month).last + timedelta(days=1)
    region = Region.objects.get(number=1)
    admin = persona("admin")
    chonburi = Branch.objects.get(code="chonburi")
    for branch in Branch.objects.filter(region=region, active=True):
        on = datetime.combine(following.replace(day=4), time(9), tzinfo=BANGKOK)
        if branch != chonburi:
            branch_month_submit(actor=admin, branch=branch, month=last_month, now=on)
    branch_month_submit(actor=admin, branch=chonburi, month=last_month,
                        now=datetime.combine(following.replace(day=2), time(9), tzinfo=BANGKOK))  # fmt: skip
    region_month_submit(actor=admin, region=region, month=last_month,
                        now=datetime.combine(following.replace(day=9), time(9), tzinfo=BANGKOK))  # fmt: skip
    month = month_period(last_month)
    changed = Complaint.objects.filter(
        branch=chonburi, received_at__gte=month.start, received_at__lt=month.end
    ).first()
    if changed.is_open:
        complaint_act(tracking_no=changed.tracking_no, actor=persona("call_centre"),
                      action="mark_not_relevant", data={"reason": "ทดสอบ"})  # fmt: skip
    else:
        complaint_act(tracking_no=changed.tracking_no, actor=persona("chonburi_centre"),
                      action="reopen", data={"reason": "ลูกค้าแจ้งว่ายังไม่หาย"})  # fmt: skip
    with time_machine.travel(datetime.combine(following.replace(day=20), time(9), tzinfo=BANGKOK)):
        second = branch_month_submit(actor=admin, branch=chonburi, month=last_month)
        assert second.version == 2
        region_month_submit(actor=admin, region=region, month=last_month)
        state = region_month(region, last_month)
        row = next(s for s in state.branches if s.branch == chonburi)
        assert row.overdue == 0 and state.overdue == 0
        assert datacenter_month(last_month)["regions"][0]["overdue_days"] == 0
        manager = Client()
        assert manager.login(username="chonburi_manager", password=PASSWORD)
        html = manager.get("/staff/reports/monthly/", {"month": f"{last_month:%Y-%m}"})
        assert "ส่งช้า" not in html.content.decode()


def test_overdue_submissions_stand_out_at_every_level(last_month, persona):
    """Past the 5th, a branch that has not submitted is flagged on its own page, on its
    region's and at head office; past the 10th, so is a region."""
    month = f"{last_month:%Y-%m}"
    following = month_period(last_month).last + timedelta(days=1)
    region = Region.objects.get(number=1)

    def page(username: str) -> str:
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        response = client.get("/staff/reports/monthly/", {"month": month})
        assert response.status_code == 200
        return response.content.decode()

    with time_machine.travel(datetime.combine(following.replace(day=3), time(9), tzinfo=BANGKOK)):
        assert "data-overdue" not in page("chonburi_manager")  # not due until the 5th
        assert "data-overdue" not in page("region1")
    with time_machine.travel(datetime.combine(following.replace(day=8), time(9), tzinfo=BANGKOK)):
        branch = page("chonburi_manager")
        assert "data-overdue" in branch and "เลยกำหนดส่ง 3 วัน" in branch
        regional = page("region1")
        assert (
            regional.count('class="overdue-row" data-overdue')
            == Branch.objects.filter(region=region, active=True).count()
        )
        assert "data-overdue" not in page("analyst").split('data-region="1"')[1].split("</tr>")[0]
        branch_month_submit(actor=persona("chonburi_manager"), branch=Branch.objects.get(code="chonburi"), month=last_month)  # fmt: skip
        assert "ส่งช้า 3 วัน" in page("chonburi_manager")
        assert 'data-branch="chonburi" class="overdue-row"' not in page("region1")
    with time_machine.travel(datetime.combine(following.replace(day=12), time(9), tzinfo=BANGKOK)):
        head = page("analyst")
        row = head.split('data-region="1"')[1].split("</tr>")[0]
        assert "data-overdue" in row and "เลยกำหนดส่ง 2 วัน" in row
        submitted = region_month_submit(actor=persona("region1"), region=region, month=last_month)
        row = page("analyst").split('data-region="1"')[1].split("</tr>")[0]
        assert "ส่งช้า 2 วัน" in row and "data-missing" in row
        assert datacenter_month(last_month)["regions"][0]["overdue_days"] == 2
        assert submitted.figures["missing"][0]["overdue_days"] == 7


def test_a_person_reads_names_and_buddhist_era_dates_on_the_monthly_pages(last_month, persona):
    month = f"{last_month:%Y-%m}"
    branch_month_submit(actor=persona("chonburi_manager"), branch=Branch.objects.get(code="chonburi"), month=last_month)  # fmt: skip
    manager = Client()
    assert manager.login(username="chonburi_manager", password=PASSWORD)
    html = manager.get("/staff/reports/monthly/", {"month": month}).content.decode()
    table = html.split('data-table="month"')[1].split("</table>")[0]
    for category in Category.objects.all():
        assert f">{category.code}<" not in table
    assert "น้ำไม่ไหล / ไหลอ่อน" in table
    assert f'<option value="{month}" selected>' in html  # the month picker, in words
    assert THAI_MONTH_NAMES[last_month.month - 1] in html
    later = datetime.combine(
        month_period(last_month).last + timedelta(days=8), time(9), tzinfo=BANGKOK
    )
    region_month_submit(actor=persona("region1"), region=Region.objects.get(number=1), month=last_month, now=later)  # fmt: skip
    # A submission made early on the 1st, Bangkok time, is that day, not the UTC day before.
    MonthlySubmission.objects.filter(level="region").update(
        submitted_at=datetime(2026, 11, 30, 22, 18, tzinfo=UTC)
    )
    analyst = Client()
    assert analyst.login(username="analyst", password=PASSWORD)
    head = analyst.get("/staff/reports/monthly/", {"month": month}).content.decode()
    row = head.split('data-region="1"')[1].split("</tr>")[0]
    assert "1 ธ.ค. 2569 05:18" in row and "2026-11-30" not in row


def test_reminders_go_to_those_who_have_not_submitted_once_a_day(last_month, persona):
    branch_month_submit(
        actor=persona("chonburi_manager"),
        branch=Branch.objects.get(code="chonburi"),
        month=last_month,
    )
    following = month_period(last_month).last + timedelta(days=1)
    assert submission_reminders(today=following) == 0  # too early: the deadline is the 5th
    on = following.replace(day=3)
    sent = submission_reminders(today=on)
    reminded = set(
        Notification.objects.filter(channel="inbox").values_list("user__username", flat=True)
    )
    assert "khonkaen_manager" in reminded and "khonkaen_centre" in reminded
    assert "chonburi_manager" not in reminded and "chonburi_centre" not in reminded
    count = Notification.objects.count()
    assert submission_reminders(today=on) == sent and Notification.objects.count() == count
    on_region = following.replace(day=8)
    submission_reminders(today=on_region)
    assert Notification.objects.filter(user__username="region1").exists()


def test_the_monthly_page_submits_for_the_branch(last_month):
    manager = Client()
    assert manager.login(username="chonburi_manager", password=PASSWORD)
    page = manager.get("/staff/reports/monthly/", {"month": f"{last_month:%Y-%m}"})
    assert page.status_code == 200 and 'data-table="month"' in page.content.decode()
    done = manager.post(
        "/staff/reports/monthly/submit", {"month": f"{last_month:%Y-%m}", "level": "branch"}
    )
    assert done.status_code == 302
    assert MonthlySubmission.objects.filter(level="branch", branch__code="chonburi").count() == 1
    again = manager.post(
        "/staff/reports/monthly/submit",
        {"month": f"{last_month:%Y-%m}", "level": "branch"},
        follow=True,
    )
    assert MonthlySubmission.objects.filter(level="branch", branch__code="chonburi").count() == 1
    assert "version 1" in again.content.decode() or "ฉบับที่ 1" in again.content.decode()
    region = Client()
    assert region.login(username="region1", password=PASSWORD)
    html = region.get("/staff/reports/monthly/", {"month": f"{last_month:%Y-%m}"}).content.decode()
    assert 'data-branch="chonburi"' in html and 'data-branch="pattaya"' in html
