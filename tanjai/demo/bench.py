"""How fast are the queries staff wait for, with a realistic volume of complaints?

Measures, on whatever database is configured (it does not seed; see bench/README.md):

a. a branch's open complaints by resolve deadline, first page (the centre's queue);
b. a region's count of overdue open complaints (the region dashboard);
c. a Thai text search across the organisation, newest first;
d. a pass of the SLA watcher in steady state, and separately one with a backlog of ~500.

Each figure is over `repeat` runs after `warmup` runs, in milliseconds. On PostgreSQL the
EXPLAIN (ANALYZE, BUFFERS) plans of a, b and c are printed so the indexes used can be seen.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tanjai.accounts.models import ScopeLevel
from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
from tanjai.complaints.filters import ComplaintFilters
from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.selectors import complaint_list, related_complaints
from tanjai.complaints.workflow import OPEN_STATES
from tanjai.organisation.models import Branch, Region
from tanjai.sla.services import sla_watch

TARGET_COMPLAINTS = 1_000_000
TARGET_MS = 50.0
OPEN: list[str] = [str(state) for state in sorted(OPEN_STATES)]


@dataclass
class Result:
    key: str
    label: str
    timings: list[float]  # seconds
    rows: Any = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000

    @property
    def min_ms(self) -> float:
        return min(self.timings) * 1000


def _time(fn: Callable[[], Any], *, repeat: int, warmup: int) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        timings.append(time.perf_counter() - started)
    return timings, result


def _actor(name: str, role: str, level: str, *, region_id=None, branch_id=None) -> Actor:
    return Actor(
        user_id=None,
        username=name,
        roles=frozenset({role}),
        scope_level=level,
        region_id=region_id,
        branch_id=branch_id,
    )


def _explain(fn: Callable[[], Any]) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the last query `fn` runs, exactly as Django sent it."""
    with CaptureQueriesContext(connection) as ctx:
        fn()
    sql = ctx.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def database_description() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            return cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def run_bench(
    *,
    repeat: int = 30,
    warmup: int = 3,
    words: tuple[str, ...] = ("ท่อแตก", "น้ำขุ่น"),
    backlog: int = 500,
    backlog_repeat: int = 5,
    out: Callable[[str], None] = print,
    explain: bool = True,
) -> list[Result]:
    total = Complaint.objects.count()
    out(f"complaints in the database: {total:,}")
    if total < TARGET_COMPLAINTS:
        out(
            f"WARNING: fewer than {TARGET_COMPLAINTS:,} complaints; seed more with "
            f"`tanjai seed-demo --complaints {TARGET_COMPLAINTS - total}` for the reference figures"
        )
    if not total:
        return []
    out(f"database: {connection.vendor}: {database_description()}")
    open_total = Complaint.objects.filter(status__in=OPEN).count()
    out(f"open complaints: {open_total:,}; events: {Event.objects.count():,}")

    busiest = (
        Complaint.objects.filter(status__in=OPEN)
        .values("branch_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None, "no open complaint to list"
    branch = Branch.objects.select_related("region").get(pk=busiest["branch_id"])
    region = Region.objects.get(pk=branch.region_id)
    out(
        f"busiest branch: {branch.code} ({busiest['n']:,} open); its region: {region.number}; "
        f"repeat {repeat} after {warmup} warm-up runs"
    )
    centre = _actor("bench.centre", Role.CENTRE_STAFF, ScopeLevel.BRANCH, branch_id=branch.pk,
                    region_id=branch.region_id)  # fmt: skip
    regional = _actor("bench.region", Role.REGION_OFFICER, ScopeLevel.REGION, region_id=region.pk)
    org = _actor("bench.hq", Role.HQ_ANALYST, ScopeLevel.ORG)

    def queue() -> list[Complaint]:
        qs = complaint_list(actor=centre, filters=ComplaintFilters(status=OPEN))
        return list(qs.order_by("resolve_due_at", "id")[:50])

    def overdue() -> int:
        return complaint_list(actor=regional, filters=ComplaintFilters(overdue=True)).count()

    def search(word: str) -> Callable[[], list[Complaint]]:
        def run() -> list[Complaint]:
            qs = complaint_list(actor=org, filters=ComplaintFilters(q=word))
            return list(qs.order_by("-received_at")[:50])

        return run

    queries: list[tuple[str, str, Callable[[], Any]]] = [
        ("a", f"branch queue: open complaints of {branch.code} by resolve_due_at, first 50", queue),
        ("b", f"region {region.number}: count of overdue open complaints", overdue),
    ]
    for i, word in enumerate(words, start=1):
        key = "c" if len(words) == 1 else f"c{i}"
        queries.append((key, f"text search “{word}”, newest 50, whole organisation", search(word)))

    # e. The complaint page's related complaints (same customer; same category within 300 m
    # and 3 days), for the organisation-wide call centre, on a recent pinned complaint.
    call_centre = _actor("bench.callcentre", Role.CHANNEL_OFFICER, ScopeLevel.ORG)
    later: list[tuple[str, str, Callable[[], Any]]] = []
    pinned = (
        Complaint.objects.filter(branch=branch, lat__isnull=False)
        .exclude(customer_phone="")
        .order_by("-received_at")
        .first()
    )
    if pinned is not None:

        def related() -> list:
            return related_complaints(actor=call_centre, complaint=pinned)

        later.append(("e", f"related complaints of {pinned.tracking_no}, call centre", related))

    results = []
    for key, label, fn in queries:
        timings, rows = _time(fn, repeat=repeat, warmup=warmup)
        results.append(Result(key, label, timings, rows if isinstance(rows, int) else len(rows)))

    # d. The SLA watcher. Drain what fell due while seeding, then time passes that find only
    # what fell due since the previous one.
    drained = 0
    for _ in range(1000):
        recorded = sla_watch(now=timezone.now())
        drained += recorded
        if not recorded:
            break
    out(f"sla_watch: drained a backlog of {drained:,} escalations before measuring")
    timings, rows = _time(lambda: sla_watch(now=timezone.now()), repeat=repeat, warmup=warmup)
    results.append(Result("d", "sla_watch pass, steady state (rows due since the last pass)",
                          timings, rows))  # fmt: skip

    # d'. One pass that finds `backlog` rows due, rolled back after each measurement.
    now = timezone.now()
    upcoming = list(
        Complaint.objects.filter(sla_next_check_at__gt=now)
        .order_by("sla_next_check_at")
        .values_list("sla_next_check_at", flat=True)[:backlog]
    )
    if upcoming:
        at = upcoming[-1]
        assert at is not None
        due = Complaint.objects.filter(sla_next_check_at__lte=at).count()

        def backlog_pass() -> int:
            with transaction.atomic():
                recorded = sla_watch(now=at)
                transaction.set_rollback(True)
            return recorded

        timings, recorded = _time(backlog_pass, repeat=backlog_repeat, warmup=1)
        results.append(
            Result(
                "d'",
                f"sla_watch pass with a backlog: {due:,} rows due at "
                f"now+{(at - now) / timedelta(minutes=1):.0f} min (rolled back; "
                f"{backlog_repeat} runs)",
                timings,
                recorded,
            )
        )

    for key, label, fn in later:
        timings, rows = _time(fn, repeat=repeat, warmup=warmup)
        results.append(Result(key, label, timings, len(rows)))
    queries += later

    out("")
    out(markdown_table(results))
    if explain and connection.vendor == "postgresql":
        for key, label, fn in queries:
            out("")
            out(f"EXPLAIN (ANALYZE, BUFFERS) {key}. {label}")
            out("```")
            for line in _explain(fn):
                out(line)
            out("```")
    return results


def markdown_table(results: list[Result]) -> str:
    lines = [
        "| | query | median ms | p95 ms | min ms | result | under 50 ms |",
        "|---|---|---:|---:|---:|---:|:---:|",
    ]
    for r in results:
        ok = "yes" if r.median_ms < TARGET_MS else "**no**"
        if r.key == "d'":
            ok = "(info)"
        lines.append(
            f"| {r.key} | {r.label} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.min_ms:.1f} "
            f"| {r.rows} | {ok} |"
        )
    lines.append("")
    lines.append(
        "result: rows returned (a, c), the count (b), escalations recorded by the pass (d, d')."
    )
    return "\n".join(lines)
