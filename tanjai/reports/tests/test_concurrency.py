"""Refreshes of one branch-month at the same moment (the worker and a report, two reports)
must not each insert a copy of its summaries. PostgreSQL only: SQLite has one writer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from tanjai.complaints.tests.test_concurrency import race
from tanjai.reports.models import ReportCell, ReportDirty
from tanjai.reports.services import branch_month_refresh, month_of, reports_refresh

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL locks"),
]


def test_refreshes_at_once_leave_one_copy(reseed, register):
    for _ in range(3):
        complaint = register()
    month = month_of(timezone.now())
    branch_month_refresh(complaint.branch_id, month)
    cells = ReportCell.objects.filter(branch_id=complaint.branch_id, month=month)
    expected = sorted(cells.values_list("category_id", "subcategory_id", "received"))
    for _ in range(5):
        outcomes = race(
            *[lambda: branch_month_refresh(complaint.branch_id, month) for _ in range(4)]
        )
        assert True in outcomes
        assert sorted(cells.values_list("category_id", "subcategory_id", "received")) == expected
    assert sum(r[2] for r in expected) == 3

    # Marks read by a refresh go; the report's refresh and the worker's do not collide.
    register()
    race(lambda: reports_refresh(), lambda: reports_refresh())
    reports_refresh()
    assert not ReportDirty.objects.exists()
    assert sum(cells.values_list("received", flat=True)) == 4
