"""Keeping the report summaries equal to the complaints.

Every event marks its complaint's branch-month dirty (in the event's own transaction); the
worker recomputes dirty branch-months from their complaints every minute, and whoever asks
for a report recomputes the dirty ones of its scope first (`reports_scope_refresh`): the
report itself only reads. `reports_rebuild` recomputes everything (after a bulk load such
as `tanjai seed-demo`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Floor, TruncMonth
from django.utils import timezone

from tanjai.complaints.models import Complaint
from tanjai.complaints.workflow import ENDED_STATES, OPEN_STATES, State
from tanjai.core.dates import BANGKOK
from tanjai.reports.models import (
    BUCKET_HOURS,
    GRID,
    ReportCell,
    ReportChannelCell,
    ReportDirty,
    ReportGridCell,
    ReportPlaceCell,
    ReportStepCell,
    Step,
)
from tanjai.reports.scope import Scope

OPEN = Q(status__in=sorted(OPEN_STATES))
OTHER_ENDED = Q(status__in=sorted(ENDED_STATES - {State.CLOSED}))
# Closing with the customer tells them the result, which also meets the inform target
# (as sla_status has it).
INFORM_DONE = Coalesce(
    "informed_at",
    Case(When(customer_reached=True, then=F("closed_at")), default=Value(None)),
    output_field=DateTimeField(),
)


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment, BANGKOK).date().replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime.combine(month, time.min, tzinfo=BANGKOK)
    following = (month + timedelta(days=32)).replace(day=1)
    return start, datetime.combine(following, time.min, tzinfo=BANGKOK)


REPEAT_WITHIN = timedelta(days=90)


def with_inform_done(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The complaints with what the measures need: when the customer was told, and whether
    the same customer (by phone) had complained in the 90 days before."""
    earlier = Complaint.objects.filter(
        customer_phone=OuterRef("customer_phone"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=ExpressionWrapper(
            OuterRef("received_at") - REPEAT_WITHIN, output_field=DateTimeField()
        ),
    )
    return qs.annotate(
        inform_done=INFORM_DONE,
        repeat=Case(
            When(customer_phone="", then=Value(False)),
            default=Exists(earlier),
            output_field=BooleanField(),
        ),
    )


def measure_aggregates() -> dict[str, Any]:
    """The summed measures, over complaints annotated by `with_inform_done`."""
    closed = Q(status=State.CLOSED)
    resolve_in_time = Q(resolve_due_at__isnull=True) | Q(closed_at__lte=F("resolve_due_at"))
    done = Q(inform_done__isnull=False)
    inform_in_time = Q(inform_due_at__isnull=True) | Q(inform_done__lte=F("inform_due_at"))
    measures: dict[str, Any] = {
        "received": Count("id"),
        "open": Count("id", filter=OPEN),
        "resolve_met": Count("id", filter=closed & resolve_in_time),
        "resolve_breached": Count("id", filter=closed & ~resolve_in_time),
        "resolve_na": Count("id", filter=OTHER_ENDED),
        "inform_met": Count("id", filter=done & inform_in_time),
        "inform_breached": Count("id", filter=done & ~inform_in_time),
        "inform_na": Count("id", filter=~done & ~OPEN),
        "inform_pending": Count("id", filter=~done & OPEN),
        "reopened": Count("id", filter=Q(reopen_count__gt=0)),
        "repeat_customer": Count("id", filter=Q(repeat=True)),
        # Scores of closed complaints only: a reopened one keeps its old score until it
        # closes again.
        "satisfaction_n": Count("satisfaction", filter=closed),
        "satisfaction_sum": Coalesce(Sum("satisfaction", filter=closed), 0),
    }
    for score in range(1, 6):
        measures[f"s{score}"] = Count("id", filter=closed & Q(satisfaction=score))
    return measures


MEASURES = list(measure_aggregates())

STEP_SPANS: dict[str, tuple[str, str]] = {
    Step.INFORM: ("received_at", "inform_done"),
    Step.FORWARD: ("received_at", "forwarded_at"),
    Step.DISPATCH: ("forwarded_at", "dispatched_at"),
    Step.FIX: ("dispatched_at", "fixed_at"),
    Step.VERIFY: ("fixed_at", "verified_at"),
    Step.CLOSE: ("verified_at", "closed_at"),
    Step.TOTAL: ("received_at", "closed_at"),
}


def _step_rows(qs: QuerySet[Complaint], keys: list[str]) -> Iterable[dict[str, Any]]:
    """Per step and duration bucket: how many complaints took that long, and the seconds.
    One pass over the complaints: a count and a sum per step and bucket."""
    qs = qs.annotate(inform_done=INFORM_DONE).annotate(
        **{
            f"span_{step}": ExpressionWrapper(F(end) - F(start), output_field=DurationField())
            for step, (start, end) in STEP_SPANS.items()
        }
    )
    aggregates: dict[str, Any] = {}
    for step in STEP_SPANS:
        span = f"span_{step}"
        for i in range(len(BUCKET_HOURS) + 1):
            cond = Q()
            if i > 0:
                cond &= Q(**{f"{span}__gte": timedelta(hours=BUCKET_HOURS[i - 1])})
            if i < len(BUCKET_HOURS):
                cond &= Q(**{f"{span}__lt": timedelta(hours=BUCKET_HOURS[i])})
            aggregates[f"n_{step}_{i}"] = Count("id", filter=cond)
            aggregates[f"s_{step}_{i}"] = Sum(span, filter=cond)
    rows = (
        [qs.aggregate(**aggregates)]
        if not keys
        else qs.values(*keys).annotate(**aggregates).order_by()
    )
    for row in rows:
        base = {k: row[k] for k in keys}
        for step in STEP_SPANS:
            for i in range(len(BUCKET_HOURS) + 1):
                n = row[f"n_{step}_{i}"]
                if n:
                    total = row[f"s_{step}_{i}"] or timedelta(0)
                    yield {
                        **base,
                        "step": step,
                        "bucket": i,
                        "n": n,
                        "seconds": max(int(total.total_seconds()), 0),
                    }


def _cells(qs: QuerySet[Complaint], keys: list[str], month: date | None) -> dict[str, list]:
    """All four summaries of the complaints in `qs`, grouped by `keys` (+ the month)."""

    def rows(group: list[str]) -> Iterable[dict[str, Any]]:
        return with_inform_done(qs).values(*group).annotate(**measure_aggregates()).order_by()

    def month_key(row: dict[str, Any]) -> dict[str, Any]:
        m = row.pop("m", None)
        row["month"] = month or (
            timezone.localtime(m, BANGKOK).date() if isinstance(m, datetime) else m
        )
        return row

    base = [*keys, "branch_id", "region_id"]
    return {
        "cell": [
            ReportCell(**month_key(r)) for r in rows([*base, "category_id", "subcategory_id"])
        ],
        "channel": [
            ReportChannelCell(**month_key(r)) for r in rows([*base, "category_id", "channel_id"])
        ],
        "step": [ReportStepCell(**month_key(r)) for r in _step_rows(qs, base)],
        "place": [
            ReportPlaceCell(**month_key(r))
            for r in qs.values(*base, "province", "district", "category_id", "subcategory_id")
            .annotate(n=Count("id"))
            .order_by()
        ],
        "grid": [
            ReportGridCell(**month_key(r))
            for r in qs.filter(lat__isnull=False, lon__isnull=False)
            .annotate(gy=Floor(F("lat") * GRID), gx=Floor(F("lon") * GRID))
            .values(*base, "gy", "gx")
            .annotate(n=Count("id"))
            .order_by()
        ],
    }


MODELS: dict[str, Any] = {
    "cell": ReportCell,
    "channel": ReportChannelCell,
    "step": ReportStepCell,
    "place": ReportPlaceCell,
    "grid": ReportGridCell,
}


LOCK_SPACE = 0x54414E4A << 32  # "TANJ": Tanjai's advisory locks, apart from anyone else's


def _locked(branch_id: int, month: date) -> bool:
    """Take the branch-month for this transaction; False if another refresh has it (two
    refreshes at once would each insert a copy of the summaries). SQLite runs one writer
    at a time anyway."""
    if connection.vendor != "postgresql":
        return True
    key = LOCK_SPACE + branch_id * 1_000_000 + month.year * 12 + month.month
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return bool(cursor.fetchone()[0])


def branch_month_refresh(branch_id: int, month: date) -> bool:
    """Recompute one branch-month's summaries from its complaints; False if another
    refresh is doing it right now."""
    start, end = month_bounds(month)
    with transaction.atomic():
        if not _locked(branch_id, month):
            return False
        qs = Complaint.objects.filter(
            branch_id=branch_id, received_at__gte=start, received_at__lt=end
        )
        cells = _cells(qs, [], month)
        for name, model in MODELS.items():
            model.objects.filter(branch_id=branch_id, month=month).delete()
            model.objects.bulk_create(cells[name])
    return True


def reports_mark(complaint: Complaint, *, also_branch_id: int | None = None) -> None:
    """Mark the complaint's branch-month for recomputing (and the branch it left, if the
    event moved it). A plain insert: events never wait on one another here."""
    month = month_of(complaint.received_at)
    now = timezone.now()
    branches = {complaint.branch_id} | ({also_branch_id} if also_branch_id else set())
    ReportDirty.objects.bulk_create(
        [ReportDirty(branch_id=b, month=month, marked_at=now) for b in sorted(branches)]
    )


def reports_pending(*, branch_ids: Iterable[int] | None = None) -> int:
    """How many branch-months wait to be recomputed."""
    dirty = ReportDirty.objects.all()
    if branch_ids is not None:
        dirty = dirty.filter(branch_id__in=list(branch_ids))
    return dirty.values("branch_id", "month").distinct().count()


def reports_refresh(
    *,
    branch_ids: Iterable[int] | None = None,
    limit: int | None = None,
    seconds: float | None = None,
) -> int:
    """Recompute the dirty branch-months (of these branches, at most `limit` of them);
    returns how many were recomputed.

    Only the marks read here are deleted afterwards, and they were committed before the
    recomputation read the complaints: a mark from an event not yet seen stays."""
    dirty = ReportDirty.objects.order_by("id")
    if branch_ids is not None:
        dirty = dirty.filter(branch_id__in=list(branch_ids))
    groups: dict[tuple[int, date], list[int]] = {}
    for pk, branch_id, month in dirty.values_list("id", "branch_id", "month").iterator():
        key = (branch_id, month)
        if key not in groups and limit is not None and len(groups) >= limit:
            continue
        groups.setdefault(key, []).append(pk)
    done = 0
    started = monotonic()
    for (branch_id, month), ids in groups.items():
        if seconds is not None and monotonic() - started > seconds:
            break  # the rest is the worker's
        if branch_month_refresh(branch_id, month):
            ReportDirty.objects.filter(pk__in=ids).delete()
            done += 1
    return done


def reports_rebuild() -> dict[str, int]:
    """Recompute every summary from all complaints, in a few grouped queries. Marks made
    while it runs stay, for the next refresh."""
    seen = list(ReportDirty.objects.values_list("id", flat=True))
    qs = Complaint.objects.annotate(m=TruncMonth("received_at", tzinfo=BANGKOK))
    cells = _cells(qs, ["m"], None)
    with transaction.atomic():
        for chunk in range(0, len(seen), 5000):
            ReportDirty.objects.filter(pk__in=seen[chunk : chunk + 5000]).delete()
        for name, model in MODELS.items():
            model.objects.all().delete()
            model.objects.bulk_create(cells[name], batch_size=5000)
    return {name: len(rows) for name, rows in cells.items()}


# Whoever asks for a report recomputes the branch-months of its scope changed since the
# worker's last pass (every minute) for at most this long before the figures are read; the
# worker does the rest, and the report says how many were still pending.
REFRESH_IN_REQUEST = 50
REFRESH_SECONDS = 0.3


def reports_scope_refresh(*, scope: Scope) -> int:
    """Bring the scope's summaries up to date before its figures are read (as far as
    REFRESH_IN_REQUEST and REFRESH_SECONDS allow); returns how many branch-months were
    recomputed."""
    return reports_refresh(
        branch_ids=scope.branch_ids(), limit=REFRESH_IN_REQUEST, seconds=REFRESH_SECONDS
    )
