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
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tanjai.accounts.scope import Actor, actor_for
from tanjai.core.periods import (
    Period,
    PeriodError,
    day_parse,
    month_period,
    period_parse,
    recent_periods,
)
from tanjai.organisation.models import Branch, Region
from tanjai.organisation.selectors import branches_in_thai_order
from tanjai.reports.exports import (
    REPORT_CHOICES,
    ReportError,
    report_build,
    report_tables,
)
from tanjai.reports.files import CONTENT_TYPES, report_response
from tanjai.reports.scope import REPORT_ROLES, Scope, ScopeError, report_allowed, scope_parse
from tanjai.reports.selectors import map_points

SHOWN_ROWS = 500


def scope_choices(actor: Actor) -> list[tuple[str, str]]:
    """The scopes the actor may report on: their own and everything inside it; regions in
    number order, branches by their Thai names."""
    choices: list[tuple[str, str]] = []
    org = actor.is_admin or actor.scope_level == "org"
    if org:
        choices.append(("org", str(_("PWA, whole organisation"))))
    regions = Region.objects.order_by("number")
    if not org:
        regions = (
            regions.filter(pk=actor.region_id or 0)
            if actor.scope_level == "region"
            else regions.none()
        )
    choices += [(f"region:{r.number}", r.name) for r in regions]
    branches = Branch.objects.filter(active=True)
    if not org:
        branches = (
            branches.filter(region_id=actor.region_id or 0)
            if actor.scope_level == "region"
            else branches.filter(pk=actor.branch_id or 0)
        )
    ordered = branches_in_thai_order(branches)
    choices += [(f"branch:{b.code}", b.name) for b in ordered]
    return choices


RANGE = "range"


def period_choices() -> list[tuple[str, Any]]:
    """The period select: months, fiscal quarters and years in words and the Buddhist Era
    (the values are the codes the API and the command line take), and a range of days."""
    language = get_language() or "th"
    recent = recent_periods()
    return [
        (_("Month"), [(p.code, p.label_in(language, long_months=True)) for p in recent["month"]]),
        (_("Fiscal quarter"), [(p.code, p.label_in(language)) for p in recent["quarter"]]),
        (_("Fiscal year"), [(p.code, p.label_in(language)) for p in recent["year"]]),
        (RANGE, _("Days from … to … (below)")),
    ]


class ReportForm(forms.Form):
    report = forms.ChoiceField(label=gettext_lazy("Which report"), choices=REPORT_CHOICES)
    scope = forms.ChoiceField(label=gettext_lazy("For"))
    period = forms.CharField(label=gettext_lazy("Period"), max_length=30)
    first = forms.CharField(
        label=gettext_lazy("From (day/month/year)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"placeholder": "1/10/2569", "inputmode": "numeric"}),
    )
    last = forms.CharField(
        label=gettext_lazy("To (day/month/year)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"placeholder": "31/10/2569", "inputmode": "numeric"}),
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
        choices = period_choices()
        current = (self.data.get("period") or "").strip()
        if current and current != RANGE and not _offered(choices, current):
            # A period typed into the address (any the API takes) is shown as itself.
            try:
                typed = period_parse(current)
                choices.insert(0, (typed.code, typed.label))
            except PeriodError:
                pass
        self.fields["period"].widget = forms.Select(choices=choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (data.get("period") or "").strip()
        first, last = data.get("first"), data.get("last")
        try:
            if code == RANGE or (first and last):
                if not (first and last):
                    raise PeriodError(_("Give both the first and the last day."))
                start, end = day_parse(first), day_parse(last)
                data["period"] = period_parse(f"{start.isoformat()}..{end.isoformat()}")
            elif code:
                data["period"] = period_parse(code)
        except PeriodError as exc:
            self.add_error("period" if code != RANGE else "first", str(exc))
        return data


def _offered(choices: list[tuple[str, Any]], code: str) -> bool:
    for value, label in choices:
        if isinstance(label, list):
            if any(v == code for v, _label in label):
                return True
        elif value == code:
            return True
    return False


def _report_request(request: HttpRequest, actor: Actor) -> tuple[ReportForm, Scope | None]:
    """The form of a report page or download, validated, and the scope it names (checked
    against the reader's role and scope)."""
    last_month = month_period(timezone.localdate().replace(day=1) - timedelta(days=1))
    choices = scope_choices(actor)
    if not choices:
        raise PermissionDenied
    initial = {"report": "category-sla", "scope": choices[0][0], "period": last_month.code}
    asked = request.GET.get("scope")
    if asked:  # another branch's or region's figures: refused, not "not a choice"
        try:
            if not report_allowed(actor, scope_parse(asked)):
                raise PermissionDenied
        except ScopeError:
            pass
    data = None
    if request.GET:  # what is not asked for is what the page would show first
        data = request.GET.copy()
        for key, value in initial.items():
            data.setdefault(key, value)
    form = ReportForm(data, actor=actor, initial=initial)
    if not (form.is_bound and form.is_valid()):
        return form, None
    try:
        scope = scope_parse(form.cleaned_data["scope"])
    except ScopeError:
        raise PermissionDenied from None
    if not report_allowed(actor, scope):
        raise PermissionDenied
    if form.cleaned_data["report"] == "krs-quarter" and scope.level != "org":
        form.add_error("scope", _("The quarter for ครส. is for the whole organisation."))
        return form, None
    return form, scope


def _query(form: ReportForm, scope: Scope, fmt: str) -> str:
    data = form.cleaned_data
    period: Period = data["period"]
    return urlencode(
        {
            "report": data["report"],
            "scope": scope.code,
            "period": period.code,
            "by": data["by"] or "category",
            "format": fmt,
        }
    )


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if not actor.has_any(REPORT_ROLES):
        raise PermissionDenied
    form, scope = _report_request(request, actor)
    context: dict[str, Any] = {"form": form}
    if scope is not None:
        data = form.cleaned_data
        report = report_build(
            data["report"],
            scope=scope,
            period=data["period"],
            by=data["by"] or "category",
            limit=SHOWN_ROWS,
            actor=actor,
        )
        context.update(
            report=report,
            tables=report_tables(report),
            # Downloads come from the staff side, in the page's language (the API follows
            # the client's Accept-Language, which on an office PC is often English).
            downloads=[
                (fmt, f"{reverse('staff-report-download')}?{_query(form, scope, fmt)}")
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


@login_required
def report_download(request: HttpRequest) -> HttpResponse:
    """A report as a file, in the language of the staff pages (Thai unless the user chose
    English), with the same checks of role and scope as the page."""
    actor = actor_for(request.user)
    if not actor.has_any(REPORT_ROLES):
        raise PermissionDenied
    fmt = request.GET.get("format", "pdf")
    if fmt not in CONTENT_TYPES:
        return HttpResponseBadRequest(_("Format is one of: json, csv, xlsx, pdf."))
    form, scope = _report_request(request, actor)
    if scope is None:
        errors = "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        return HttpResponseBadRequest(errors or _("Please check the fields."))
    data = form.cleaned_data
    try:
        report = report_build(
            data["report"],
            scope=scope,
            period=data["period"],
            by=data["by"] or "category",
            actor=actor,
        )
    except ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    return report_response(report, fmt)


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
