"""Step 9 on screen: ครส.'s list of organisation-level issues with their actions, a new
issue from complaints or a pattern, actions assigned and followed to completion."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.accounts.scope import actor_for
from tanjai.complaints.action_forms import error_items
from tanjai.complaints.errors import WorkflowError
from tanjai.improvement.models import ActionStatus, ActionUpdate, ImprovementAction
from tanjai.improvement.services import (
    COMMITTEE,
    READERS,
    action_create,
    action_update,
    issue_create,
    issue_get,
    issues_visible,
)
from tanjai.organisation.models import Unit
from tanjai.reference.models import Subcategory


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@login_required
def issues(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    visible = (
        issues_visible(actor)
        .annotate(complaint_count=Count("complaints", distinct=True))
        .prefetch_related("actions__unit", "actions__owner")
    )
    mine = ImprovementAction.objects.filter(owner_id=request.user.pk).exclude(
        status__in=["done", "cancelled"]
    )
    if not actor.has_any(READERS) and not mine.exists() and not visible.exists():
        raise PermissionDenied
    error: WorkflowError | None = None
    posted: Any = {}
    if request.method == "POST":
        posted = request.POST
        try:
            issue = issue_create(
                actor=actor,
                title=posted.get("title", ""),
                description=posted.get("description", ""),
                tracking_numbers=posted.get("complaints", "").split(),
                subcategory=posted.get("subcategory", ""),
                province=posted.get("province", "").strip(),
                district=posted.get("district", "").strip(),
                since=_date(posted.get("since", "")),
            )
        except WorkflowError as exc:
            error = exc
        else:
            return redirect("staff-issue", pk=issue.pk)
    return render(
        request,
        "improvement/issues.html",
        {
            "issues": visible[:200],
            "mine": mine.select_related("issue"),
            "today": timezone.localdate(),
            "committee": actor.has_any(COMMITTEE),
            "subcategories": Subcategory.objects.select_related("category").order_by(
                "category__order", "order"
            ),
            "error": error,
            "error_items": error_items(error, labels={}) if error else [],
            "posted": posted,
        },
        status=400 if error else 200,
    )


@login_required
def issue_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    try:
        issue = issue_get(actor, pk)
    except WorkflowError:
        raise Http404 from None
    error: WorkflowError | None = None
    posted: Any = {}
    if request.method == "POST":
        posted = request.POST
        try:
            if posted.get("form") == "action":
                due = _date(posted.get("due_date", ""))
                if due is None:
                    from tanjai.complaints.errors import InvalidInput

                    raise InvalidInput(
                        _("The action is not valid."),
                        errors={"due_date": [_("Give the due date as a date.")]},
                    )
                action_create(
                    actor=actor,
                    issue=issue,
                    title=posted.get("title", ""),
                    unit=posted.get("unit", ""),
                    owner=posted.get("owner", "").strip(),
                    due_date=due,
                )
            else:
                action_id = posted.get("action", "")
                action = (
                    issue.actions.filter(pk=int(action_id)).first() if action_id.isdigit() else None
                )
                if action is None:
                    raise Http404
                action_update(
                    actor=actor,
                    action=action,
                    note=posted.get("note", ""),
                    status=posted.get("status", ""),
                    evidence=request.FILES.get("evidence"),
                )
        except WorkflowError as exc:
            error = exc
        else:
            return redirect("staff-issue", pk=issue.pk)
    complaints = issue.complaints.select_related("category", "branch").order_by("-received_at")
    if not actor.has_any(READERS):
        # An owner sees the issue's complaints of their own scope; the rest as a count.
        from tanjai.complaints.selectors import complaints_visible_to

        complaints = complaints.filter(pk__in=complaints_visible_to(actor=actor).values("pk"))
    return render(
        request,
        "improvement/issue.html",
        {
            "issue": issue,
            "actions": issue.actions.select_related("unit", "owner").prefetch_related(
                "updates__by"
            ),
            "complaints": complaints[:100],
            "complaint_count": issue.complaints.count(),
            "complaints_shown": complaints.count(),
            "today": timezone.localdate(),
            "committee": actor.has_any(COMMITTEE),
            "units": Unit.objects.filter(active=True).order_by("code"),
            "statuses": ActionStatus.choices,
            "error": error,
            "error_items": error_items(error, labels={}) if error else [],
            "posted": posted,
        },
        status=400 if error else 200,
    )


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is opened only by those who may see its issue."""
    update = ActionUpdate.objects.select_related("action").filter(pk=pk).first()
    if update is None or not update.evidence:
        raise Http404
    try:
        issue_get(actor_for(request.user), update.action.issue_id)
    except WorkflowError:
        raise Http404 from None
    response = FileResponse(update.evidence.open("rb"), as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response
