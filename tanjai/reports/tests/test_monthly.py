"""Step 7: a branch submits its month, a change afterwards shows as a revision and never
alters what was submitted, the region consolidates and submits, head office takes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tanjai.complaints.errors import Conflict, Forbidden, InvalidInput
from tanjai.complaints.models import Complaint
from tanjai.complaints.services import complaint_act
from tanjai.complaints.workflow import OPEN_STATES
from tanjai.conftest import PASSWORD
from tanjai.core.periods import month_period
from tanjai.demo.generator import seed_demo
from tanjai.notifications.models import Notification
from tanjai.organisation.models import Branch, Region
from tanjai.reports.models import MonthlySubmission
from tanjai.reports.scope import scope_parse
from tanjai.reports.selectors import category_sla
from tanjai.reports.services import reports_rebuild
from tanjai.reports.submissions import (
    branch_month_submit,
    branch_revision,
    datacenter_month,
    region_month_submit,
    submission_reminders,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_month():
    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
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
    revision = branch_revision(first)
    assert revision, "the change shows as a revision"
    second = branch_month_submit(actor=manager, branch=chonburi, month=last_month, note="แก้ไข")
    assert second.version == 2 and second.changes == revision


def test_the_region_consolidates_once_every_branch_has_submitted(last_month, persona):
    region = Region.objects.get(number=1)
    officer = persona("region1")
    chonburi = Branch.objects.get(code="chonburi")
    branch_month_submit(actor=persona("chonburi_manager"), branch=chonburi, month=last_month)
    with pytest.raises(InvalidInput, match="พัทยา"):
        region_month_submit(actor=officer, region=region, month=last_month)
    admin = persona("admin")
    for branch in Branch.objects.filter(region=region, active=True).exclude(pk=chonburi.pk):
        branch_month_submit(actor=admin, branch=branch, month=last_month)
    with pytest.raises(Forbidden):
        region_month_submit(actor=persona("region6"), region=region, month=last_month)
    submitted = region_month_submit(actor=officer, region=region, month=last_month)
    branches = MonthlySubmission.objects.filter(level="branch", month=last_month, region=region)
    assert submitted.figures["totals"]["received"] == sum(
        b.figures["totals"]["received"] for b in branches
    )
    assert len(submitted.figures["branches"]) == branches.count()

    pulled = datacenter_month(last_month)
    assert pulled["format"] == "tanjai-monthly/1"
    one = next(r for r in pulled["regions"] if r["region"] == 1)
    assert one["submitted"] and one["figures"]["totals"] == submitted.figures["totals"]
    assert not next(r for r in pulled["regions"] if r["region"] == 6)["submitted"]

    analyst = Client()
    assert analyst.login(username="analyst", password=PASSWORD)
    api = analyst.get(f"/api/v1/reports/monthly/{last_month:%Y-%m}/datacenter")
    assert api.status_code == 200 and api.json()["regions"][0]["region"] == 1
    centre = Client()
    assert centre.login(username="chonburi_centre", password=PASSWORD)
    assert centre.get(f"/api/v1/reports/monthly/{last_month:%Y-%m}/datacenter").status_code == 403


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
