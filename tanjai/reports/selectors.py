"""The four outputs of the process, for a scope (a branch, a region, the organisation) and a
period (a month, a fiscal quarter or year, a range of days).

Every figure is about the complaints *received* in the period (a cohort), as they stand now.
Sums come from the summaries (`reports.models`); what the clock alone changes (an open
complaint passing its due time) is counted live from the open complaints; a range that
starts or ends inside a month takes its partial months straight from the complaints.

Reading writes nothing: whoever asks for a report brings the scope's summaries up to date
first (`reports.services.reports_scope_refresh`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Floor
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.complaints.models import Complaint, Event
from tanjai.core.periods import Period, month_period
from tanjai.core.text import mask_personal_text
from tanjai.organisation.models import Branch
from tanjai.organisation.selectors import branch_order
from tanjai.reference.models import Category, Channel, Subcategory
from tanjai.reports.models import (
    BUCKET_HOURS,
    GRID,
    ReportCell,
    ReportChannelCell,
    ReportGridCell,
    ReportPlaceCell,
    ReportStepCell,
    Step,
)
from tanjai.reports.scope import Scope
from tanjai.reports.services import (
    INFORM_DONE,
    MEASURES,
    OPEN,
    _step_rows,
    measure_aggregates,
    reports_pending,
    with_inform_done,
)

# -- the pieces of a period -------------------------------------------------------------


def _pieces(period: Period) -> tuple[list[date], list[tuple[datetime, datetime]]]:
    """The whole months of the period (read from the summaries) and the partial ones
    (counted from the complaints)."""
    months: list[date] = []
    edges: list[tuple[datetime, datetime]] = []
    day = period.first
    while day <= period.last:
        month = month_period(day)
        if day == month.first and month.last <= period.last:
            months.append(month.first)
        else:
            piece = Period("range", day, min(month.last, period.last), "")
            edges.append((piece.start, piece.end))
        day = month.last + timedelta(days=1)
    return months, edges


def _in_period(period: Period, scope: Scope) -> Q:
    return scope.q() & Q(received_at__gte=period.start, received_at__lt=period.end)


def _summed(
    model: Any, keys: list[str], scope: Scope, period: Period, fields: list[str]
) -> dict[tuple, dict[str, int]]:
    """Sums of `fields` grouped by `keys`, from the summaries and the partial months."""
    months, edges = _pieces(period)
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(fields, 0))
    if months:
        cells = model.objects.filter(scope.q(), month__in=months)
        sums = {f: Sum(f) for f in fields}
        # With no keys, one aggregate row (values() with no fields groups by every column).
        rows: Any = (
            [cells.aggregate(**sums)]
            if not keys
            else cells.values(*keys).annotate(**sums).order_by()
        )
        for row in rows:
            target = out[tuple(row[k] for k in keys)]
            for f in fields:
                target[f] += row[f] or 0
    for start, end in edges:
        qs = Complaint.objects.filter(scope.q(), received_at__gte=start, received_at__lt=end)
        for row in _direct(model, qs, keys, fields):
            target = out[tuple(row[k] for k in keys)]
            for f in fields:
                target[f] += row[f] or 0
    return out


def _direct(model: Any, qs: QuerySet[Complaint], keys: list[str], fields: list[str]) -> Any:
    """What the summary `model` would hold for `qs`, computed from the complaints."""
    if model is ReportStepCell:
        grouped: dict[tuple, dict[str, int]] = defaultdict(lambda: {"n": 0, "seconds": 0})
        for row in _step_rows(qs, [k for k in keys if k not in ("step", "bucket")]):
            target = grouped[tuple(row[k] for k in keys)]
            target["n"] += row["n"]
            target["seconds"] += row["seconds"]
        return [{**dict(zip(keys, k, strict=True)), **v} for k, v in grouped.items()]
    if model is ReportPlaceCell:
        return qs.values(*keys).annotate(n=Count("id")).order_by()
    if model is ReportGridCell:
        return (
            qs.filter(lat__isnull=False, lon__isnull=False)
            .annotate(gy=Floor(F("lat") * GRID), gx=Floor(F("lon") * GRID))
            .values(*keys)
            .annotate(n=Count("id"))
            .order_by()
        )
    if not keys:
        return [with_inform_done(qs).aggregate(**measure_aggregates())]
    return with_inform_done(qs).values(*keys).annotate(**measure_aggregates()).order_by()


def _live_open(scope: Scope, period: Period, keys: list[str], now: datetime) -> dict[tuple, dict]:
    """Open complaints past their due times: the figures the clock alone changes."""
    open_ = Complaint.objects.filter(OPEN, _in_period(period, scope)).annotate(
        inform_done=INFORM_DONE
    )
    counts = {
        "open_over": Count("id", filter=Q(resolve_due_at__lt=now)),
        "pending_over": Count("id", filter=Q(inform_done__isnull=True, inform_due_at__lt=now)),
    }
    if not keys:  # values() with no fields would group by every column
        return {(): open_.aggregate(**counts)}
    rows = open_.values(*keys).annotate(**counts).order_by()
    return {tuple(r[k] for k in keys): r for r in rows}


# -- output 1: category-sla -------------------------------------------------------------


def _sla_figures(m: dict[str, int], live: dict | None) -> dict[str, int]:
    open_over = live["open_over"] if live else 0
    pending_over = live["pending_over"] if live else 0
    return {
        "received": m["received"],
        "closed_within_sla": m["resolve_met"],
        "closed_over_sla": m["resolve_breached"],
        "open_within_sla": m["open"] - open_over,
        "open_over_sla": open_over,
        "ended_not_applicable": m["resolve_na"],
        "informed_within_24h": m["inform_met"],
        "informed_over_24h": m["inform_breached"],
        "not_informed_within_24h": m["inform_pending"] - pending_over,
        "not_informed_over_24h": pending_over,
        "inform_not_applicable": m["inform_na"],
    }


SLA_KEYS = list(_sla_figures(dict.fromkeys(MEASURES, 0), None))


def _pending(scope: Scope) -> int:
    """How many of the scope's branch-months still wait to be recomputed."""
    return reports_pending(branch_ids=scope.branch_ids())


def _names(model: Any) -> dict[int, tuple[str, str]]:
    return {o.pk: (o.code, o.name) for o in model.objects.all()}


def category_sla(
    *, scope: Scope, period: Period, by: str = "category", now: datetime | None = None
) -> dict[str, Any]:
    """Output 1: for each category (or category and subcategory, or category and channel),
    received, closed within and over the resolve target, open within and over it; the same
    for the 24-hour inform target."""
    now = now or timezone.now()
    pending = _pending(scope)
    model, keys = {
        "category": (ReportCell, ["category_id"]),
        "subcategory": (ReportCell, ["category_id", "subcategory_id"]),
        "channel": (ReportChannelCell, ["category_id", "channel_id"]),
    }[by]
    sums = _summed(model, keys, scope, period, MEASURES)
    live = _live_open(scope, period, keys, now)
    categories = {c.pk: c for c in Category.objects.order_by("order")}
    subcategories = _names(Subcategory)
    channels = _names(Channel)
    rows = []
    for key in sorted(sums, key=lambda k: (categories[k[0]].order, *(str(x) for x in k[1:]))):
        category = categories[key[0]]
        row: dict[str, Any] = {"category": category.code, "category_name": category.name}
        if by == "subcategory":
            code, name = subcategories.get(key[1], ("", _("(no subcategory)")))
            row.update(subcategory=code, subcategory_name=name)
        elif by == "channel":
            code, name = channels[key[1]]
            row.update(channel=code, channel_name=name)
        row.update(_sla_figures(sums[key], live.get(key)))
        rows.append(row)
    totals = {k: sum(r[k] for r in rows) for k in SLA_KEYS}
    return {
        "report": "category-sla",
        "pending_updates": pending,
        "scope": scope.code,
        "scope_name": scope.label,
        "period": period.code,
        "period_name": period.label,
        "by": by,
        "as_of": now.isoformat(),
        "rows": rows,
        "totals": totals,
    }


# -- output 2: satisfaction -------------------------------------------------------------

SCORES = ["s1", "s2", "s3", "s4", "s5"]


def _satisfaction_figures(m: dict[str, int]) -> dict[str, Any]:
    closed = m["resolve_met"] + m["resolve_breached"]
    n = m["satisfaction_n"]
    return {
        "closed": closed,
        "answered": n,
        "response_rate": round(n / closed, 4) if closed else None,
        "mean": round(m["satisfaction_sum"] / n, 2) if n else None,
        "distribution": {str(i + 1): m[s] for i, s in enumerate(SCORES)},
    }


def satisfaction(
    *, scope: Scope, period: Period, comments: int = 200, now: datetime | None = None
) -> dict[str, Any]:
    """Output 2: answers and response rate, the 1-5 distribution and the mean, by category
    and by branch, and the comments (phone and house numbers masked)."""

    pending = _pending(scope)
    fields = ["resolve_met", "resolve_breached", "satisfaction_n", "satisfaction_sum", *SCORES]
    by_category = _summed(ReportCell, ["category_id"], scope, period, fields)
    by_branch = _summed(ReportCell, ["branch_id"], scope, period, fields)
    categories = {c.pk: c for c in Category.objects.all()}
    branches = {b.pk: b for b in Branch.objects.filter(pk__in=[k[0] for k in by_branch])}
    total = dict.fromkeys(fields, 0)
    for m in by_category.values():
        for f in fields:
            total[f] += m[f]
    # The survey's answers as the event log keeps them (the door records each one).
    answers = (
        Event.objects.filter(
            scope.q("complaint__"),
            action="survey_answered",
            complaint__received_at__gte=period.start,
            complaint__received_at__lt=period.end,
        )
        .exclude(note="")
        .select_related("complaint__category")
        .order_by("-at", "-pk")[:comments]
    )
    return {
        "report": "satisfaction",
        "pending_updates": pending,
        "scope": scope.code,
        "scope_name": scope.label,
        "period": period.code,
        "period_name": period.label,
        "totals": _satisfaction_figures(total),
        "by_category": [
            {"category": categories[k[0]].code, "category_name": categories[k[0]].name}
            | _satisfaction_figures(m)
            for k, m in sorted(by_category.items(), key=lambda i: categories[i[0][0]].order)
        ],
        "by_branch": [
            {"branch": branches[k[0]].code, "branch_name": branches[k[0]].name}
            | _satisfaction_figures(m)
            for k, m in sorted(by_branch.items(), key=lambda i: branch_order(branches[i[0][0]]))
        ],
        "comments": [
            {
                "tracking_no": a.complaint.tracking_no,
                "category": a.complaint.category.code,
                "score": a.data.get("score"),
                "comment": mask_personal_text(a.note, names=[a.complaint.customer_name]),
                "answered_at": a.at.isoformat(),
            }
            for a in answers
        ],
    }


# -- output 3: resolved -----------------------------------------------------------------


def resolved(*, scope: Scope, period: Period, limit: int | None = None) -> dict[str, Any]:
    """Output 3: the complaints whose fix was completed in the period, with the time of
    each step. (This list is by the date of the fix, not of receipt.)"""
    qs = (
        Complaint.objects.filter(scope.q(), fixed_at__gte=period.start, fixed_at__lt=period.end)
        .select_related("category", "subcategory", "branch", "channel")
        .order_by("fixed_at", "id")
    )
    total = qs.count()
    rows = []
    for c in qs[:limit] if limit else qs.iterator(chunk_size=2000):
        rows.append(
            {
                "tracking_no": c.tracking_no,
                "branch": c.branch.code,
                "branch_name": c.branch.name,
                "branch_place": c.branch.place_name,
                "category": c.category.code,
                "category_name": c.category.name,
                "subcategory": c.subcategory.code if c.subcategory else "",
                "subcategory_name": c.subcategory.name if c.subcategory else "",
                "channel": c.channel.code,
                "channel_name": c.channel.name,
                "district": c.district,
                "province": c.province,
                "status": c.status,
                "received_at": c.received_at,
                "informed_at": c.informed_at,
                "dispatched_at": c.dispatched_at,
                "fixed_at": c.fixed_at,
                "closed_at": c.closed_at,
                "hours_to_inform": _hours(c.received_at, c.informed_at),
                "hours_to_fix": _hours(c.received_at, c.fixed_at),
                "hours_to_close": _hours(c.received_at, c.closed_at),
                "resolve_due_at": c.resolve_due_at,
                # The fix against the resolve due time (the SLA is judged at closing).
                "fixed_by_due": c.resolve_due_at is None or c.fixed_at <= c.resolve_due_at,  # type: ignore[operator]
            }
        )
    return {
        "report": "resolved",
        "scope": scope.code,
        "scope_name": scope.label,
        "period": period.code,
        "period_name": period.label,
        "count": total,
        "rows": rows,
    }


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 1)


# -- output 4: results ------------------------------------------------------------------


def _median_hours(buckets: dict[int, int]) -> float | None:
    """The median from bucket counts, interpolated within its bucket."""
    n = sum(buckets.values())
    if not n:
        return None
    half, seen = n / 2, 0
    for index in sorted(buckets):
        count = buckets[index]
        if seen + count >= half:
            low = BUCKET_HOURS[index - 1] if index > 0 else 0
            if index >= len(BUCKET_HOURS):
                return float(BUCKET_HOURS[-1])  # "over 720 h": the bucket has no top
            high = BUCKET_HOURS[index]
            return round(low + (high - low) * (half - seen) / count, 1)
        seen += count
    return None


def step_times(*, scope: Scope, period: Period) -> dict[str, dict[str, Any]]:
    sums = _summed(ReportStepCell, ["step", "bucket"], scope, period, ["n", "seconds"])
    out: dict[str, dict[str, Any]] = {}
    for step in Step:
        buckets = {k[1]: v["n"] for k, v in sums.items() if k[0] == step and v["n"]}
        n = sum(buckets.values())
        seconds = sum(v["seconds"] for k, v in sums.items() if k[0] == step)
        out[step.value] = {
            "label": str(step.label),
            "n": n,
            "mean_hours": round(seconds / n / 3600, 1) if n else None,
            "median_hours": _median_hours(buckets),
        }
    return out


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _shares(figures: dict[str, int]) -> dict[str, float | None]:
    judged = figures["closed_within_sla"] + figures["closed_over_sla"] + figures["open_over_sla"]
    told = (
        figures["informed_within_24h"]
        + figures["informed_over_24h"]
        + figures["not_informed_over_24h"]
    )
    return {
        "resolve_target_met": _share(figures["closed_within_sla"], judged),
        "inform_target_met": _share(figures["informed_within_24h"], told),
    }


def _results_figures(scope: Scope, period: Period, now: datetime) -> dict[str, Any]:
    sums = _summed(ReportCell, [], scope, period, MEASURES).get((), dict.fromkeys(MEASURES, 0))
    live = _live_open(scope, period, [], now).get((), {"open_over": 0, "pending_over": 0})
    figures = _sla_figures(sums, live)
    return {
        "received": sums["received"],
        "closed": sums["resolve_met"] + sums["resolve_breached"],
        "ended_otherwise": sums["resolve_na"],
        "open": sums["open"],
        **_shares(figures),
        "reopen_rate": _share(sums["reopened"], sums["received"]),
        "repeat_customer_rate": _share(sums["repeat_customer"], sums["received"]),
        "satisfaction_mean": round(sums["satisfaction_sum"] / sums["satisfaction_n"], 2)
        if sums["satisfaction_n"]
        else None,
        "sla": figures,
    }


def results(
    *, scope: Scope, period: Period, top: int = 10, now: datetime | None = None
) -> dict[str, Any]:
    """Output 4: received, closed, still open; the share meeting each target; mean and
    median time per step; reopen rate; the most frequent subcategories and places; the
    change against the previous period."""
    now = now or timezone.now()
    pending = _pending(scope)
    current = _results_figures(scope, period, now)
    previous_period = period.previous()
    previous = _results_figures(scope, previous_period, now)
    subcategories = _summed(
        ReportCell, ["category_id", "subcategory_id"], scope, period, ["received"]
    )
    names = _names(Subcategory)
    categories = _names(Category)
    top_subcategories = [
        {
            "category": categories[k[0]][0],
            "subcategory": names.get(k[1], ("", ""))[0],
            "name": names.get(k[1], ("", categories[k[0]][1]))[1],
            "received": v["received"],
        }
        for k, v in sorted(subcategories.items(), key=lambda i: -i[1]["received"])[:top]
    ]
    places = _summed(ReportPlaceCell, ["province", "district"], scope, period, ["n"])
    top_places = [
        {"province": k[0], "district": k[1], "received": v["n"]}
        for k, v in sorted(places.items(), key=lambda i: -i[1]["n"])
        if k[0] or k[1]
    ][:top]
    change = {
        key: round(current[key] - previous[key], 4)
        if isinstance(current[key], int | float) and isinstance(previous[key], int | float)
        else None
        for key in current
        if key != "sla"
    }
    return {
        "report": "results",
        "pending_updates": pending,
        "scope": scope.code,
        "scope_name": scope.label,
        "period": period.code,
        "period_name": period.label,
        "as_of": now.isoformat(),
        **{k: v for k, v in current.items() if k != "sla"},
        "sla": current["sla"],
        "steps": step_times(scope=scope, period=period),
        "top_subcategories": top_subcategories,
        "top_places": top_places,
        "previous": {
            "period": previous_period.code,
            "period_name": previous_period.label,
            **previous,
        },
        "change": change,
    }


def map_points(*, scope: Scope, period: Period, limit: int = 5000) -> list[dict[str, Any]]:
    """Complaints on the map, counted per grid cell of about 5 km (never a complaint's own
    place): [{lat, lon, n}], the fullest cells first."""
    cells = _summed(ReportGridCell, ["gy", "gx"], scope, period, ["n"])
    points = [
        {"lat": round((gy + 0.5) / GRID, 4), "lon": round((gx + 0.5) / GRID, 4), "n": v["n"]}
        for (gy, gx), v in cells.items()
        if v["n"]
    ]
    return sorted(points, key=lambda p: -p["n"])[:limit]
