"""Step 7 on screen: a branch reviews and submits its month; a region sees which branches
have submitted, consolidates and submits; head office sees the regions and downloads what
the Data Center takes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tanjai.accounts.scope import Actor, actor_for
from tanjai.complaints.errors import WorkflowError
from tanjai.core.periods import PeriodError, month_period, period_parse, recent_periods
from tanjai.organisation.models import Branch, Region
from tanjai.reference.models import Category
from tanjai.reports.exports import sla_labels
from tanjai.reports.models import MonthlySubmission, SubmissionLevel
from tanjai.reports.scope import REPORT_ROLES
from tanjai.reports.services import reports_scope_refresh
from tanjai.reports.submissions import (
    branch_month_figures,
    branch_month_submit,
    branch_revision,
    branch_scope,
    datacenter_month,
    deadline_of,
    head_office_month,
    latest,
    overdue_days,
    region_month,
    region_month_submit,
)


def _figure_labels() -> dict[str, str]:
    """The figures a revision compares: the category-sla ones, the open and the not-told
    complaints counted together (the clock alone moves them between within and over), and
    the survey's."""
    return {
        **sla_labels(),
        "open": _("Still open"),
        "not_informed": _("Not told yet"),
        "satisfaction_n": _("Survey answers"),
        "satisfaction_sum": _("Sum of the scores"),
    }


def _named(figures: dict[str, Any]) -> dict[str, Any]:
    """Submitted figures keep category codes (the Data Center's keys); people read names."""
    names = {c.code: c.name for c in Category.objects.all()}
    return {
        **figures,
        "rows": [{**r, "name": names.get(r["category"], r["category"])} for r in figures["rows"]],
    }


def _changes_named(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = {c.code: c.name for c in Category.objects.all()}
    labels = _figure_labels()
    branches = {b.code: b.name for b in Branch.objects.all()}
    out = []
    for c in changes:
        figure = c["figure"]
        if figure.startswith("branch:"):
            label = _("%(branch)s's month (version)") % {"branch": branches.get(figure[7:], figure)}
        else:
            label = labels.get(figure, figure)
        out.append({**c, "category_name": names.get(c["category"], ""), "figure_name": label})
    return out


def _month(request: HttpRequest) -> date:
    text = request.GET.get("month") or request.POST.get("month") or ""
    if text:
        try:
            period = period_parse(text)
        except PeriodError:
            period = None
        if period is not None and period.kind == "month":
            return period.first
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def _reader(request: HttpRequest) -> Actor:
    actor = actor_for(request.user)
    if not actor.has_any(REPORT_ROLES):
        raise PermissionDenied
    return actor


@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    month = _month(request)
    months = recent_periods(months=24)["month"]
    if all(p.first != month for p in months):
        months.insert(0, month_period(month))
    context: dict[str, Any] = {
        "month": month,
        "month_code": f"{month:%Y-%m}",
        "month_label": month_period(month).label_in(get_language() or "th", long_months=True),
        "months": [(p.code, p.label_in(get_language() or "th", long_months=True)) for p in months],
        "over": month_period(month).end <= timezone.now(),
    }
    if actor.scope_level == "branch" and actor.branch_id and not actor.is_admin:
        branch = Branch.objects.get(pk=actor.branch_id)
        # The month as it stands now, for its figures and the revision against the last sent.
        reports_scope_refresh(scope=branch_scope(branch))
        submission = latest(SubmissionLevel.BRANCH, month, branch=branch)
        deadline = deadline_of(SubmissionLevel.BRANCH, month)
        versions = list(
            MonthlySubmission.objects.filter(
                level=SubmissionLevel.BRANCH, branch=branch, month=month
            ).select_related("submitted_by")
        )
        context.update(
            level="branch",
            branch=branch,
            submission=submission,
            # Lateness is the first version's: a revision after the deadline is not late.
            versions=[
                (v, overdue_days(deadline, v.submitted_at) if v.version == 1 else 0)
                for v in versions
            ],
            revision=_changes_named(branch_revision(submission)) if submission else [],
            figures=_named(branch_month_figures(branch, month_period(month))),
            deadline=deadline,
            overdue=overdue_days(deadline, versions[0].submitted_at if versions else None),
        )
    elif actor.scope_level == "region" and actor.region_id and not actor.is_admin:
        context.update(
            level="region",
            state=region_month(Region.objects.get(pk=actor.region_id), month),
        )
    elif actor.is_admin or actor.scope_level == "org":
        context.update(
            level="org",
            regions=head_office_month(month),
            deadline=deadline_of(SubmissionLevel.REGION, month),
        )
    else:
        raise PermissionDenied
    return render(request, "reports/monthly.html", context)


@login_required
def monthly_submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("staff-monthly")
    actor = _reader(request)
    month = _month(request)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("level") == "region":
            region = Region.objects.filter(pk=actor.region_id or 0).first()
            if region is None:
                raise PermissionDenied
            done = region_month_submit(actor=actor, region=region, month=month, note=note)
        else:
            branch = Branch.objects.filter(pk=actor.branch_id or 0).first()
            if branch is None:
                raise PermissionDenied
            done = branch_month_submit(actor=actor, branch=branch, month=month, note=note)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Submitted: %(month)s, version %(version)d.")
            % {"month": month_period(month).label, "version": done.version},
        )
    return redirect(f"{reverse('staff-monthly')}?month={month:%Y-%m}")


@login_required
def datacenter_export(request: HttpRequest) -> HttpResponse:
    """The regions' submitted month in the Data Center's format (tanjai-monthly/1)."""
    actor = _reader(request)
    if not (actor.is_admin or actor.scope_level == "org"):
        raise PermissionDenied
    month = _month(request)
    response = HttpResponse(
        json.dumps(datacenter_month(month), ensure_ascii=False, indent=1),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="tanjai-monthly-{month:%Y-%m}.json"'
    return response
