"""The reports on screen: pick a report, a scope within one's own and a period; the tables,
a chart, and the same report to download in each format (through the API)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tanjai.accounts.scope import Actor, actor_for
from tanjai.core.periods import PeriodError, month_period, period_parse
from tanjai.organisation.models import Branch, Region
from tanjai.reports.exports import report_build, report_tables
from tanjai.reports.scope import REPORT_ROLES, ScopeError, report_allowed, scope_parse
from tanjai.reports.selectors import map_points

SHOWN_ROWS = 500

REPORT_CHOICES = [
    ("category-sla", gettext_lazy("Complaints by category and SLA")),
    ("results", gettext_lazy("Results of complaint handling")),
    ("satisfaction", gettext_lazy("Customer satisfaction")),
    ("resolved", gettext_lazy("Complaints fixed")),
    ("krs-quarter", gettext_lazy("The quarter for ครส. (organisation)")),
    ("evaluation", gettext_lazy("Evaluation of the process (สสส.)")),
]


def scope_choices(actor: Actor) -> list[tuple[str, str]]:
    """The scopes the actor may report on: their own and everything inside it."""
    choices: list[tuple[str, str]] = []
    org = actor.is_admin or actor.scope_level == "org"
    if org:
        choices.append(("org", "กปภ. ทั้งองค์กร"))
    regions = Region.objects.order_by("number")
    if not org:
        regions = (
            regions.filter(pk=actor.region_id or 0)
            if actor.scope_level == "region"
            else regions.none()
        )
    choices += [(f"region:{r.number}", r.name_th) for r in regions]
    branches = Branch.objects.filter(active=True).order_by("region__number", "code")
    if not org:
        branches = (
            branches.filter(region_id=actor.region_id or 0)
            if actor.scope_level == "region"
            else branches.filter(pk=actor.branch_id or 0)
        )
    choices += [(f"branch:{b.code}", b.name_th) for b in branches]
    return choices


class ReportForm(forms.Form):
    report = forms.ChoiceField(label=gettext_lazy("Which report"), choices=REPORT_CHOICES)
    scope = forms.ChoiceField(label=gettext_lazy("For"))
    period = forms.CharField(
        label=gettext_lazy("Period"),
        help_text=gettext_lazy(
            "A month (2026-10), a fiscal quarter (FY2569-Q1), a fiscal year (FY2569) or "
            "days (2026-10-01..2026-10-15)"
        ),
        max_length=30,
    )
    by = forms.ChoiceField(
        label=gettext_lazy("Rows"),
        choices=[
            ("category", gettext_lazy("by category")),
            ("subcategory", gettext_lazy("by subcategory")),
            ("channel", gettext_lazy("by category and channel")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices(actor)  # type: ignore[attr-defined]

    def clean_period(self) -> Any:
        try:
            return period_parse(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if not actor.has_any(REPORT_ROLES):
        raise PermissionDenied
    last_month = month_period(timezone.localdate().replace(day=1) - timedelta(days=1))
    choices = scope_choices(actor)
    if not choices:
        raise PermissionDenied
    initial = {"report": "category-sla", "scope": choices[0][0], "period": last_month.code}
    form = ReportForm(request.GET or None, actor=actor, initial=initial)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            scope = scope_parse(data["scope"])
        except ScopeError:
            scope = None
        if scope is None or not report_allowed(actor, scope):
            raise PermissionDenied
        if data["report"] == "krs-quarter" and scope.level != "org":
            form.add_error("scope", _("The quarter for ครส. is for the whole organisation."))
            return render(request, _template(request), context, status=400)
        report = report_build(
            data["report"],
            scope=scope,
            period=data["period"],
            by=data["by"] or "category",
            limit=SHOWN_ROWS,
            actor=actor,
        )
        query = {
            "scope": scope.code,
            "period": data["period"].code,
            "by": data["by"] or "category",
        }
        context.update(
            report=report,
            tables=report_tables(report),
            downloads=[
                (fmt, f"/api/v1/reports/{data['report']}?{urlencode({**query, 'format': fmt})}")
                for fmt in ("pdf", "xlsx", "csv", "json")
            ],
            chart=_chart(report),
            map_points=map_points(scope=scope, period=data["period"])
            if data["report"] in ("category-sla", "results", "evaluation")
            else None,
            tile_url=settings.MAP_TILE_URL,
            tile_attribution=settings.MAP_TILE_ATTRIBUTION,
            as_of=timezone.now(),
            shown=SHOWN_ROWS,
        )
    return render(request, _template(request), context, status=400 if form.errors else 200)


def _template(request: HttpRequest) -> str:
    return "reports/_report.html" if request.headers.get("HX-Request") else "reports/reports.html"


def _chart(report: dict[str, Any]) -> dict[str, Any] | None:
    """What the page's chart draws: the same figures as its first table."""
    name = report["report"]
    if name == "category-sla":
        rows = report["rows"]
        label = (
            "channel_name"
            if report["by"] == "channel"
            else ("subcategory_name" if report["by"] == "subcategory" else "category_name")
        )
        return {
            "kind": "sla",
            "labels": [
                r[label] if label == "category_name" else f"{r['category_name']} · {r[label]}"
                for r in rows
            ],
            "series": {
                key: [r[key] for r in rows]
                for key in (
                    "closed_within_sla",
                    "closed_over_sla",
                    "open_within_sla",
                    "open_over_sla",
                )
            },
            "names": {
                "closed_within_sla": str(_("Closed within the target")),
                "closed_over_sla": str(_("Closed over the target")),
                "open_within_sla": str(_("Open, within the target")),
                "open_over_sla": str(_("Open, over the target")),
            },
        }
    if name == "results":
        steps = report["steps"]
        return {
            "kind": "steps",
            "labels": [v["label"] for v in steps.values()],
            "series": {
                "mean": [v["mean_hours"] for v in steps.values()],
                "median": [v["median_hours"] for v in steps.values()],
            },
            "names": {"mean": str(_("Mean")), "median": str(_("Median"))},
        }
    if name == "evaluation":
        rows = report["over_time"]
        return {
            "kind": "trend",
            "labels": [r["month_name"] for r in rows],
            "series": {
                "inform": [r["inform_target_met"] for r in rows],
                "resolve": [r["resolve_target_met"] for r in rows],
            },
            "names": {
                "inform": str(_("Told within 24 h (share)")),
                "resolve": str(_("Resolved within the target (share)")),
            },
        }
    if name == "satisfaction":
        return {
            "kind": "scores",
            "labels": ["1", "2", "3", "4", "5"],
            "series": {"answers": list(report["totals"]["distribution"].values())},
            "names": {"answers": str(_("Answered"))},
        }
    return None
