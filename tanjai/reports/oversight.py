"""The oversight outputs built on the report figures: the quarter for ครส. (step 8) and
the evaluation of the process for สสส. (step 10)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.core.periods import Period, month_period
from tanjai.improvement.selectors import actions_with_overdue
from tanjai.improvement.services import action_summary, actions_in
from tanjai.organisation.models import Branch, Region
from tanjai.organisation.selectors import branch_order
from tanjai.reference.models import Category, Channel, Subcategory
from tanjai.reports.models import (
    ReportCell,
    ReportChannelCell,
    ReportPlaceCell,
    ReportStepCell,
    Step,
)
from tanjai.reports.scope import Scope, ScopeError
from tanjai.reports.selectors import (
    MEASURES,
    _live_open,
    _names,
    _pending,
    _pieces,
    _results_figures,
    _share,
    _shares,
    _sla_figures,
    _summed,
    category_sla,
    step_times,
)

# -- step 8: the quarter for ครส. -------------------------------------------------------

RECURRING_AT_LEAST = 3


def krs_quarter(
    *, period: Period, now: datetime | None = None, with_actions: bool = True
) -> dict[str, Any]:
    """The package head office sends ครส. each quarter: figures and SLA results by region
    and by category, the trend over the last four quarters, problems that keep coming back
    to the same district, and where the improvement actions stand."""
    if period.kind != "quarter":
        raise ScopeError(_("The package for ครส. is for a fiscal quarter, such as FY2569-Q1."))
    now = now or timezone.now()
    org = Scope("org")
    pending = _pending(org)
    regions = {r.pk: r for r in Region.objects.all()}
    sums = _summed(ReportCell, ["region_id"], org, period, MEASURES)
    live = _live_open(org, period, ["region_id"], now)
    by_region = []
    for key in sorted(sums, key=lambda k: regions[k[0]].number):
        figures = _sla_figures(sums[key], live.get(key))
        region = regions[key[0]]
        by_region.append(
            {"region": region.number, "region_name": region.name, **figures, **_shares(figures)}
        )
    by_category = category_sla(scope=org, period=period, now=now)
    trend = []
    quarter = period
    for _i in range(4):
        figures = _results_figures(org, quarter, now)
        trend.append(
            {
                "period": quarter.code,
                "period_name": quarter.label,
                **{k: v for k, v in figures.items() if k != "sla"},
            }
        )
        quarter = quarter.previous()
    trend.reverse()
    months, _edges = _pieces(period)
    subcategories = _names(Subcategory)
    categories = _names(Category)
    recurring = [
        {
            "province": row["province"],
            "district": row["district"],
            "subcategory": subcategories.get(row["subcategory_id"], ("", ""))[0],
            "subcategory_name": subcategories.get(row["subcategory_id"], ("", ""))[1]
            or categories[row["category_id"]][1],
            "received": row["total"],
            "months": row["months"],
        }
        for row in ReportPlaceCell.objects.filter(month__in=months)
        .exclude(district="")
        .values("province", "district", "category_id", "subcategory_id")
        .annotate(total=Sum("n"), months=Count("month", distinct=True))
        .filter(total__gte=RECURRING_AT_LEAST, months__gte=2)
        .order_by("-total")[:50]
    ]
    today = timezone.localdate()
    # The actions name people: only for ครส., head office's analysts and สสส.
    actions = (
        [
            action_summary(a)
            for a in actions_with_overdue(actions_in(period.start, period.end), today=today)
        ]
        if with_actions
        else []
    )
    return {
        "report": "krs-quarter",
        "pending_updates": pending,
        "scope": "org",
        "scope_name": org.label,
        "period": period.code,
        "period_name": period.label,
        "as_of": now.isoformat(),
        "by_region": by_region,
        "by_category": by_category["rows"],
        "totals": by_category["totals"],
        "trend": trend,
        "recurring": recurring,
        "actions": actions,
        "actions_overdue": sum(1 for a in actions if a["overdue"]),
    }


# -- step 10: evaluation for สสส. -------------------------------------------------------


def _month_list(period: Period) -> list[Period]:
    """The months of the period, the first and last cut to the period's own days."""
    months, day = [], period.first
    while day <= period.last:
        month = month_period(day)
        if month.first < period.first or month.last > period.last:
            month = Period(
                "range", max(month.first, period.first), min(month.last, period.last), month.code
            )
        months.append(month)
        day = month.last + timedelta(days=1)
    return months


def evaluation(*, scope: Scope, period: Period, now: datetime | None = None) -> dict[str, Any]:
    """Where the process is slow: time in each step, the targets, reopenings, satisfaction
    and repeat complaints month by month, the channel mix, and the units of the scope side
    by side (regions for the organisation, branches for a region)."""
    now = now or timezone.now()
    pending = _pending(scope)
    over_time = []
    for month in _month_list(period):
        figures = _results_figures(scope, month, now)
        over_time.append(
            {"month": month.code, "month_name": month_period(month.first).label}
            | {k: v for k, v in figures.items() if k != "sla"}
        )
    channels = _summed(ReportChannelCell, ["channel_id"], scope, period, ["received"])
    names = _names(Channel)
    total = sum(v["received"] for v in channels.values()) or 1
    channel_mix = [
        {
            "channel": names[k[0]][0],
            "channel_name": names[k[0]][1],
            "received": v["received"],
            "share": round(v["received"] / total, 4),
        }
        for k, v in sorted(channels.items(), key=lambda i: -i[1]["received"])
    ]
    unit_key = "region_id" if scope.level == "org" else "branch_id"
    sums = _summed(ReportCell, [unit_key], scope, period, MEASURES)
    live = _live_open(scope, period, [unit_key], now)
    totals = _summed(ReportStepCell, [unit_key, "step"], scope, period, ["n", "seconds"])
    order: dict[int, Any]
    if unit_key == "region_id":
        labels = {r.pk: (str(r.number), r.name) for r in Region.objects.all()}
        order = {r.pk: r.number for r in Region.objects.all()}
    else:
        found = Branch.objects.filter(pk__in=[k[0] for k in sums])
        labels = {b.pk: (b.code, b.name) for b in found}
        order = {b.pk: branch_order(b) for b in found}  # by their Thai names
    side_by_side = []
    for key in sorted(sums, key=lambda k: order[k[0]]):
        m = sums[key]
        figures = _sla_figures(m, live.get(key))
        step = totals.get((key[0], Step.TOTAL), {"n": 0, "seconds": 0})
        side_by_side.append(
            {
                "unit": labels[key[0]][0],
                "unit_name": labels[key[0]][1],
                "received": m["received"],
                **_shares(figures),
                "reopen_rate": _share(m["reopened"], m["received"]),
                "repeat_customer_rate": _share(m["repeat_customer"], m["received"]),
                "satisfaction_mean": round(m["satisfaction_sum"] / m["satisfaction_n"], 2)
                if m["satisfaction_n"]
                else None,
                "mean_hours_to_close": round(step["seconds"] / step["n"] / 3600, 1)
                if step["n"]
                else None,
            }
        )
    places = _summed(
        ReportPlaceCell, ["province", "district", "subcategory_id"], scope, period, ["n"]
    )
    subcategories = _names(Subcategory)
    repeat_places = [
        {
            "province": k[0],
            "district": k[1],
            "subcategory_name": subcategories.get(k[2], ("", ""))[1],
            "received": v["n"],
        }
        for k, v in sorted(places.items(), key=lambda i: -i[1]["n"])
        if k[1] and v["n"] >= RECURRING_AT_LEAST
    ][:30]
    return {
        "report": "evaluation",
        "pending_updates": pending,
        "scope": scope.code,
        "scope_name": scope.label,
        "period": period.code,
        "period_name": period.label,
        "as_of": now.isoformat(),
        "steps": step_times(scope=scope, period=period),
        "over_time": over_time,
        "channel_mix": channel_mix,
        "side_by_side": side_by_side,
        "repeat_places": repeat_places,
    }
