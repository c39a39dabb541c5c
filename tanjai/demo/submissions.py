"""Demo monthly reports (step 7): the month before last as regions 1 and 6 sent it, so the
monthly pages show what a real month looks like: most branches on time, some late, one
still missing from its region's report and one that arrived after the region had sent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from tanjai.accounts.scope import actor_for
from tanjai.core.dates import BANGKOK
from tanjai.core.periods import month_period
from tanjai.organisation.models import Branch, Region
from tanjai.organisation.selectors import branches_in_thai_order
from tanjai.reports.models import MonthlySubmission, SubmissionLevel
from tanjai.reports.submissions import branch_month_submit, deadline_of, region_month_submit

DEMO_BRANCHES = ("chonburi", "khon-kaen")


def demo_submissions_create(*, regions: tuple[int, ...] = (1, 6)) -> int:
    """Returns how many submissions were made (none if the month already has some)."""
    today = timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    month = (month - timedelta(days=1)).replace(day=1)  # the month before last
    if MonthlySubmission.objects.filter(month=month).exists():
        return 0
    admin = actor_for(get_user_model().objects.get(username="admin"))
    branch_due = deadline_of(SubmissionLevel.BRANCH, month_period(month).first)
    region_due = deadline_of(SubmissionLevel.REGION, month_period(month).first)

    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour, 30), tzinfo=BANGKOK)

    made = 0
    for number in regions:
        region = Region.objects.get(number=number)
        branches = branches_in_thai_order(Branch.objects.filter(region=region, active=True))
        # The demo accounts' own branches submit on time; others are late or missing.
        others = [b for b in branches if b.code not in DEMO_BRANCHES]
        missing, arrives_later, late = others[-1], others[-2], others[-5:-2]
        for i, branch in enumerate(branches):
            if branch in (missing, arrives_later):
                continue
            day = (
                branch_due + timedelta(days=2 + i % 3)
                if branch in late
                else branch_due - timedelta(days=1 + i % 4)
            )
            branch_month_submit(actor=admin, branch=branch, month=month, now=at(day, 9 + i % 8))
            made += 1
        region_month_submit(
            actor=admin, region=region, month=month, now=at(region_due, 15),
            note="ส่งตามกำหนด สาขาที่ยังไม่ส่งระบุไว้ในรายงาน",
        )  # fmt: skip
        branch_month_submit(
            actor=admin, branch=arrives_later, month=month, now=at(region_due + timedelta(days=3), 10)
        )  # fmt: skip
        made += 2
    return made
