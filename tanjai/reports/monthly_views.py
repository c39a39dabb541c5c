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
from django.utils.translation import gettext as _

from tanjai.accounts.scope import Actor, actor_for
from tanjai.complaints.errors import WorkflowError
from tanjai.core.periods import PeriodError, month_period, period_parse
from tanjai.organisation.models import Branch, Region
from tanjai.reports.models import MonthlySubmission, SubmissionLevel
from tanjai.reports.scope import REPORT_ROLES
from tanjai.reports.submissions import (
    branch_month_figures,
    branch_month_submit,
    branch_revision,
    datacenter_month,
    deadline_of,
    latest,
    region_month_state,
    region_month_submit,
)


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
    context: dict[str, Any] = {
        "month": month,
        "month_code": f"{month:%Y-%m}",
        "month_label": month_period(month).label,
        "over": month_period(month).end <= timezone.now(),
    }
    if actor.scope_level == "branch" and actor.branch_id and not actor.is_admin:
        branch = Branch.objects.get(pk=actor.branch_id)
        submission = latest(SubmissionLevel.BRANCH, month, branch=branch)
        context.update(
            level="branch",
            branch=branch,
            submission=submission,
            versions=MonthlySubmission.objects.filter(
                level=SubmissionLevel.BRANCH, branch=branch, month=month
            ).select_related("submitted_by"),
            revision=branch_revision(submission) if submission else [],
            figures=branch_month_figures(branch, month_period(month)),
            deadline=deadline_of(SubmissionLevel.BRANCH, month),
        )
    elif actor.scope_level == "region" and actor.region_id and not actor.is_admin:
        region = Region.objects.get(pk=actor.region_id)
        context.update(
            level="region",
            region=region,
            branches=region_month_state(region, month),
            submission=latest(SubmissionLevel.REGION, month, region=region),
            deadline=deadline_of(SubmissionLevel.REGION, month),
            branch_deadline=deadline_of(SubmissionLevel.BRANCH, month),
        )
    elif actor.is_admin or actor.scope_level == "org":
        context.update(level="org", datacenter=datacenter_month(month))
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
