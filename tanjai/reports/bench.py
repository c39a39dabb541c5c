"""The reports' benchmark: the targets of the scale requirement on the data in the database
(`tanjai seed-demo --complaints 5000000` on PostgreSQL for the reference figures).

- an organisation-wide fiscal-year category-sla and results: each under 1 s;
- a branch's monthly report (the busiest branch, the last whole month): under 100 ms.

Each figure is the median of timed runs after warm-up runs, through the same entry the
screen, the API and the command line use (`report_build`), including the refresh of dirty
summaries (none are dirty in a quiet database; one pass with a dirty branch-month is timed
separately)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from tanjai.complaints.models import Complaint
from tanjai.core.periods import fiscal_year, month_period, quarter_period, year_period
from tanjai.reports.exports import XLSX_ROWS, report_build
from tanjai.reports.files import report_file
from tanjai.reports.models import ReportCell
from tanjai.reports.scope import scope_parse
from tanjai.reports.services import branch_month_refresh


def _median_ms(fn: Callable[[], Any], repeat: int, warmup: int) -> tuple[float, Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, result


def reports_bench(
    *, repeat: int = 10, warmup: int = 2, out: Callable[[str], None] = print
) -> list[tuple]:
    total = Complaint.objects.count()
    cells = ReportCell.objects.count()
    out(
        f"complaints: {total:,}; summary rows (category cells): {cells:,}; database: {connection.vendor}"
    )
    today = timezone.localdate()
    last_month = month_period(today.replace(day=1) - timedelta(days=1))
    fy = year_period(fiscal_year(today) - 1)  # the last whole fiscal year
    org = scope_parse("org")
    busiest = (
        Complaint.objects.filter(received_at__gte=last_month.start, received_at__lt=last_month.end)
        .values("branch__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    branch = scope_parse(f"branch:{busiest['branch__code']}") if busiest else org
    rows: list[tuple] = []

    def timed(label: str, target_ms: float, fn: Callable[[], Any]) -> Any:
        ms, result = _median_ms(fn, repeat, warmup)
        rows.append((label, ms, target_ms))
        return result

    report = timed(
        f"category-sla, organisation, {fy.code}",
        1000,
        lambda: report_build("category-sla", scope=org, period=fy),
    )
    timed(
        f"results, organisation, {fy.code}",
        1000,
        lambda: report_build("results", scope=org, period=fy),
    )
    timed(
        f"category-sla, {branch.code}, {last_month.code}",
        100,
        lambda: report_build("category-sla", scope=branch, period=last_month),
    )
    timed(
        f"results, {branch.code}, {last_month.code}",
        100,
        lambda: report_build("results", scope=branch, period=last_month),
    )
    timed(
        f"category-sla by channel, organisation, {fy.code}",
        1000,
        lambda: report_build("category-sla", scope=org, period=fy, by="channel"),
    )

    # What one event costs later: the worker recomputes its branch-month (the busiest one
    # here), in a transaction rolled back so that the database is left as it was.
    def recompute() -> None:
        with transaction.atomic():
            branch_month_refresh(branch.branch_id or 0, last_month.first)
            transaction.set_rollback(True)

    timed(
        f"recompute {branch.code} {last_month.code}'s summaries (the worker, per event)",
        0,
        recompute,
    )

    # The figures equal a direct count over the complaints (received and closed in time).
    direct = Complaint.objects.filter(received_at__gte=fy.start, received_at__lt=fy.end).aggregate(
        received=Count("id"),
        closed_within=Count(
            "id",
            filter=Q(status="closed")
            & (Q(resolve_due_at__isnull=True) | Q(closed_at__lte=F("resolve_due_at"))),
        ),
    )
    same = (
        direct["received"] == report["totals"]["received"]
        and direct["closed_within"] == report["totals"]["closed_within_sla"]
    )
    out(
        f"direct count over the complaints for {fy.code}: received {direct['received']:,}, "
        f"closed within the target {direct['closed_within']:,}; the report says "
        f"{report['totals']['received']:,} and {report['totals']['closed_within_sla']:,}: "
        f"{'equal' if same else 'DIFFERENT'}"
    )
    out("")
    out("| report | median ms | target ms | met |")
    out("|---|---:|---:|:---:|")
    for label, ms, target in rows:
        met = "(info)" if not target else ("yes" if ms < target else "**no**")
        out(f"| {label} | {ms:.1f} | {target or '-'} | {met} |")
    return rows


def files_bench(*, repeat: int = 3, out: Callable[[str], None] = print) -> list[tuple]:
    """Each report as the documents people download: the time to build the report and to
    make its PDF and its XLSX, the PDF's pages, for the organisation and for a typical and
    the busiest branch (the resolved list grows with the scope: a few hundred rows for a
    branch's month, tens of thousands for the organisation's)."""
    from django.utils import translation

    # loaded when needed: HarfBuzz and the Thai dictionary take a moment to load
    from tanjai.reports.pdf import PDF_ROWS

    today = timezone.localdate()
    last_month = month_period(today.replace(day=1) - timedelta(days=1))
    fy = year_period(fiscal_year(today) - 1)
    quarter = quarter_period(last_month.first)
    if quarter.end > timezone.now():  # the last whole quarter
        quarter = quarter_period(quarter.first - timedelta(days=1))
    counts = list(
        Complaint.objects.filter(fixed_at__gte=last_month.start, fixed_at__lt=last_month.end)
        .values("branch__code")
        .annotate(n=Count("id"))
        .order_by("n")
    )
    typical = counts[len(counts) // 2]["branch__code"] if counts else None
    busiest = counts[-1]["branch__code"] if counts else None
    cases: list[tuple[str, str, Any]] = [
        ("category-sla", "org", fy),
        ("satisfaction", "org", fy),
        ("results", "org", fy),
        ("evaluation", "org", fy),
        ("krs-quarter", "org", quarter),
    ]
    for code in dict.fromkeys(c for c in (typical, busiest) if c):
        cases.append(("resolved", f"branch:{code}", last_month))
    cases.append(("resolved", "org", last_month))
    rows: list[tuple] = []
    with translation.override("th"):
        for name, scope_code, period in cases:
            scope = scope_parse(scope_code)

            def build(n: str = name, s: Any = scope, p: Any = period) -> dict[str, Any]:
                return report_build(n, scope=s, period=p)

            built_ms, report = _median_ms(build, repeat, 0)

            def as_pdf(r: dict[str, Any] = report) -> bytes:
                return report_file(r, "pdf")

            def as_xlsx(r: dict[str, Any] = report) -> bytes:
                return report_file(r, "xlsx")

            pdf_ms, pdf = _median_ms(as_pdf, repeat, 0)
            xlsx_ms, xlsx = _median_ms(as_xlsx, repeat, 0)
            count = len(report.get("rows", [])) or sum(
                len(v) for v in report.values() if isinstance(v, list)
            )
            pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
            rows.append(
                (f"{name}, {scope_code}, {period.code}", count, built_ms, pdf_ms, pages,
                 len(pdf), xlsx_ms, len(xlsx))
            )  # fmt: skip
    out("")
    out(
        f"(a PDF holds at most {PDF_ROWS:,} rows of a table and an XLSX sheet {XLSX_ROWS:,}; "
        "the CSV has them all)"
    )
    out("")
    out("| report | rows | build ms | PDF ms | PDF pages | PDF KB | XLSX ms | XLSX KB |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, count, built, pdf_ms, pages, pdf_size, xlsx_ms, xlsx_size in rows:
        out(
            f"| {label} | {count:,} | {built:.0f} | {pdf_ms:.0f} | {pages:,} | "
            f"{pdf_size / 1024:,.0f} | {xlsx_ms:.0f} | {xlsx_size / 1024:,.0f} |"
        )
    return rows
