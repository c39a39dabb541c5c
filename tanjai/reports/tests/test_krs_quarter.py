"""Step 8: the quarter for ครส.: by region and category, the trend, recurring problems in
the same district, and the improvement actions with the overdue ones flagged."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from tanjai.core.dates import BANGKOK
from tanjai.core.periods import period_parse, quarter_period
from tanjai.demo.generator import seed_demo
from tanjai.improvement.models import ImprovementAction
from tanjai.improvement.services import action_create, issue_create
from tanjai.reports.exports import report_build
from tanjai.reports.scope import scope_parse
from tanjai.reports.services import reports_rebuild

pytestmark = pytest.mark.django_db


def test_the_quarter_package(register, persona, tmp_path):
    seed_demo(complaints=300, seed=9, batch=300, days=200,
              branches=["chonburi", "khon-kaen", "pattaya"], technicians_per_branch=1)  # fmt: skip
    reports_rebuild()
    quarter = quarter_period(timezone.localdate()).previous()  # wholly in the past
    place = {"address": "ถนนสายหลัก", "province": "ชลบุรี", "district": "อำเภอทดสอบ"}
    first_month = datetime.combine(quarter.first, datetime.min.time(), tzinfo=BANGKOK)
    for days in (1, 2, 35, 36):
        when = first_month + timedelta(days=days)
        register(
            category="leak", subcategory="main_burst", location=place, received_at=when.isoformat()
        )
    issue = issue_create(actor=persona("committee"), title="ท่อแตกซ้ำ", subcategory="main_burst",
                         province="ชลบุรี", district="อำเภอทดสอบ")  # fmt: skip
    action = action_create(actor=persona("committee"), issue=issue, title="เปลี่ยนท่อ",
                           unit="chonburi-centre", owner="chonburi_manager",
                           due_date=timezone.localdate() + timedelta(days=1))  # fmt: skip
    ImprovementAction.objects.filter(pk=action.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )

    report = report_build("krs-quarter", scope=scope_parse("org"), period=quarter)
    assert sum(r["received"] for r in report["by_region"]) == report["totals"]["received"] > 0
    assert {r["region"] for r in report["by_region"]} <= {1, 6}
    assert [t["period"] for t in report["trend"]][-1] == quarter.code and len(report["trend"]) == 4
    recurring = [r for r in report["recurring"] if r["district"] == "อำเภอทดสอบ"]
    assert recurring and recurring[0]["received"] == 4 and recurring[0]["months"] == 2
    assert report["actions_overdue"] == 1 and report["actions"][0]["overdue"]

    out = tmp_path / "krs.xlsx"
    call_command(
        "tanjai_report",
        "krs-quarter",
        scope="org",
        period=quarter.code,
        format="xlsx",
        output=str(out),
    )
    assert load_workbook(out).sheetnames == [
        "by-region",
        "by-category",
        "trend",
        "recurring",
        "actions",
    ]
    with pytest.raises(Exception, match=r"organisation|องค์กร"):
        report_build(
            "krs-quarter", scope=scope_parse("region:1"), period=period_parse(quarter.code)
        )
