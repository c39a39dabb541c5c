"""The report figures equal a direct count over the complaints.

The oracle is deliberately different code: it walks the complaints one by one and asks
`sla_status` (the function the complaint page uses) how each target stands, where the
reports sum the summaries kept per branch-month and count the open complaints live."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tanjai.complaints.models import Complaint
from tanjai.complaints.services import complaint_act
from tanjai.complaints.workflow import State
from tanjai.core.periods import Period, period_parse
from tanjai.demo.generator import seed_demo
from tanjai.reports.models import ReportCell, ReportDirty
from tanjai.reports.scope import scope_parse
from tanjai.reports.selectors import (
    category_sla,
    results,
    satisfaction,
    step_times,
)
from tanjai.reports.services import reports_rebuild, reports_scope_refresh
from tanjai.sla.services import sla_status

pytestmark = pytest.mark.django_db

RESOLVE = {
    "met": "closed_within_sla",
    "breached": "closed_over_sla",
    "open_on_time": "open_within_sla",
    "open_overdue": "open_over_sla",
    "not_applicable": "ended_not_applicable",
}
INFORM = {
    "met": "informed_within_24h",
    "breached": "informed_over_24h",
    "open_on_time": "not_informed_within_24h",
    "open_overdue": "not_informed_over_24h",
    "not_applicable": "inform_not_applicable",
}
END = date(2026, 11, 20)


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    """Seeded once for the module: each test reads it, and what a test adds is undone after it."""
    with django_db_blocker.unblock():
        seed_demo(
            complaints=700,
            seed=11,
            batch=250,
            end=END,
            days=150,
            branches=["chonburi", "pattaya", "khon-kaen"],
            technicians_per_branch=1,
        )
        reports_rebuild()


def oracle(scope, period: Period, now, by: str = "category") -> dict[tuple, Counter]:
    counts: dict[tuple, Counter] = {}
    for c in Complaint.objects.select_related("category", "subcategory", "channel", "branch"):
        if not (period.start <= c.received_at < period.end):
            continue
        if scope.level == "branch" and c.branch_id != scope.branch_id:
            continue
        if scope.level == "region" and c.region_id != scope.region_id:
            continue
        key: tuple = (c.category.code,)
        if by == "subcategory":
            key += (c.subcategory.code if c.subcategory else "",)
        elif by == "channel":
            key += (c.channel.code,)
        status = sla_status(c, now=now)
        row = counts.setdefault(key, Counter())
        row["received"] += 1
        row[RESOLVE[status["resolve"]["state"]]] += 1
        row[INFORM[status["inform"]["state"]]] += 1
    return counts


def as_counts(report: dict, by: str = "category") -> dict[tuple, Counter]:
    out = {}
    for row in report["rows"]:
        key: tuple = (row["category"],)
        if by != "category":
            key += (row[by],)
        out[key] = Counter({k: v for k, v in row.items() if isinstance(v, int) and v})
    return out


CASES = [
    ("org", "FY2569"),
    ("org", "2026-09"),
    ("region:1", "FY2569-Q4"),
    ("branch:chonburi", "2026-10"),
    ("branch:khon-kaen", "2026-08-17..2026-10-09"),  # partial months at both ends
    ("org", f"{END - timedelta(days=40)}..{END}"),
]


@pytest.mark.parametrize("scope_text, period_text", CASES)
def test_category_sla_equals_a_direct_count(seeded, scope_text, period_text):
    now = timezone.now()
    scope, period = scope_parse(scope_text), period_parse(period_text)
    for by in ("category", "subcategory", "channel"):
        report = category_sla(scope=scope, period=period, by=by, now=now)
        expected = oracle(scope, period, now, by)
        assert as_counts(report, by) == expected, by
        assert report["totals"]["received"] == sum(c["received"] for c in expected.values())
    assert sum(r["received"] for r in report["rows"]) > 0


def test_results_and_satisfaction_equal_direct_counts(seeded, register):
    # A customer who complains again within 90 days, and once more much later.
    customer = {"name": "ลูกค้าประจำ", "phone": "0899990001"}
    for day in (
        "2026-08-01T09:00:00+07:00",
        "2026-08-15T09:00:00+07:00",
        "2026-01-05T09:00:00+07:00",
    ):
        register(customer=customer, received_at=day)
    now = timezone.now()
    scope, period = scope_parse("org"), period_parse("FY2569")
    cohort = [c for c in Complaint.objects.all() if period.start <= c.received_at < period.end]
    reports_scope_refresh(scope=scope)  # as the screen, the API and the command line do
    report = results(scope=scope, period=period, now=now)
    closed = [c for c in cohort if c.status == State.CLOSED]
    expected = Counter()
    for counts in oracle(scope, period, now).values():
        expected.update(counts)
    assert Counter({k: v for k, v in report["sla"].items() if v}) == expected
    judged = expected["closed_within_sla"] + expected["closed_over_sla"] + expected["open_over_sla"]
    assert report["resolve_target_met"] == round(expected["closed_within_sla"] / judged, 4)
    told = (
        expected["informed_within_24h"]
        + expected["informed_over_24h"]
        + expected["not_informed_over_24h"]
    )
    assert report["inform_target_met"] == round(expected["informed_within_24h"] / told, 4)
    assert expected["open_over_sla"] > 1, "the seed must have several overdue open complaints"
    assert report["received"] == len(cohort)
    assert report["closed"] == len(closed)
    assert report["open"] == sum(1 for c in cohort if c.is_open)
    assert report["reopen_rate"] == round(sum(c.reopen_count > 0 for c in cohort) / len(cohort), 4)
    everyone = list(
        Complaint.objects.exclude(customer_phone="").values_list("customer_phone", "received_at")
    )
    repeats = sum(
        1
        for c in cohort
        if c.customer_phone
        and any(
            phone == c.customer_phone and c.received_at - timedelta(days=90) <= at < c.received_at
            for phone, at in everyone
        )
    )
    assert report["repeat_customer_rate"] == round(repeats / len(cohort), 4)
    assert repeats > 0, "the demo has customers who complain again"
    scores = [c.satisfaction for c in closed if c.satisfaction]
    assert report["satisfaction_mean"] == round(statistics.mean(scores), 2)
    subcategories = Counter(c.subcategory_id for c in cohort)
    assert report["top_subcategories"][0]["received"] == max(subcategories.values())
    previous = period.previous()
    assert report["previous"]["received"] == sum(
        1 for c in Complaint.objects.all() if previous.start <= c.received_at < previous.end
    )

    # Mean time to close is exact; the median lies in the same bucket as the true one.
    spans = [(c.closed_at - c.received_at).total_seconds() / 3600 for c in closed]
    total = report["steps"]["total"]
    assert total["n"] == len(spans)
    assert total["mean_hours"] == pytest.approx(statistics.mean(spans), abs=0.06)
    true_median = statistics.median(spans)
    assert abs(total["median_hours"] - true_median) <= max(1.0, true_median)

    sat = satisfaction(scope=scope, period=period)
    assert sat["totals"]["answered"] == len(scores)
    assert sat["totals"]["distribution"] == {str(s): scores.count(s) for s in range(1, 6)}
    assert sat["totals"]["response_rate"] == round(len(scores) / len(closed), 4)


def test_the_summaries_follow_every_event(seeded, persona, register):
    """A complaint ended, a new one registered: the next report sees both, exactly."""
    now = timezone.now()
    today = timezone.localdate()
    scope, period = scope_parse("org"), Period("range", today - timedelta(days=90), today, "x")
    open_one = register()
    complaint_act(
        tracking_no=open_one.tracking_no,
        actor=persona("call_centre"),
        action="mark_not_relevant",
        data={"reason": "ทดสอบ"},
    )
    new = register()
    assert ReportDirty.objects.filter(branch_id=new.branch_id).exists()  # in the same transactions
    reports_scope_refresh(scope=scope)  # as the screen, the API and the command line do
    report = category_sla(scope=scope, period=period, now=now)
    assert as_counts(report) == oracle(scope, period, now)
    assert not ReportDirty.objects.exists()  # the refresh brought the scope up to date

    branch = scope_parse(f"branch:{new.branch.code}")
    month = period_parse(f"{timezone.localtime(new.received_at):%Y-%m}")
    before = ReportCell.objects.filter(branch_id=branch.branch_id).count()
    reports_rebuild()  # recomputing from scratch gives the same cells
    assert ReportCell.objects.filter(branch_id=branch.branch_id).count() == before
    assert as_counts(category_sla(scope=branch, period=month, now=now)) == oracle(
        branch, month, now
    )


def test_step_times_are_the_process_steps(seeded):
    steps = step_times(scope=scope_parse("org"), period=period_parse("FY2569"))
    assert set(steps) == {"inform", "forward", "dispatch", "fix", "verify", "close", "total"}
    assert steps["total"]["mean_hours"] >= steps["fix"]["mean_hours"] > 0
