"""Step 9 on screen: ครส.'s list of organisation-level issues with their actions, a new
issue from complaints or a pattern, actions assigned and followed to completion."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tanjai.accounts.scope import actor_for
from tanjai.complaints.action_forms import error_items
from tanjai.complaints.errors import WorkflowError
from tanjai.improvement.forms import ActionAssignForm
from tanjai.improvement.models import ActionStatus, ActionUpdate
from tanjai.improvement.selectors import actions_owned_open, issue_actions, issues_listed
from tanjai.improvement.services import (
    COMMITTEE,
    READERS,
    action_create,
    action_update,
    issue_create,
    issue_get,
    issues_visible,
)
from tanjai.reference.models import Subcategory


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@login_required
def issues(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    today = timezone.localdate()
    visible = issues_listed(issues_visible(actor), today=today)
    mine = actions_owned_open(user_id=actor.user_id, today=today)
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
            "mine": mine,
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
    committee = actor.has_any(COMMITTEE)
    if request.GET.get("fragment") == "owners":
        # The owner list for the unit just chosen (HTMX, when the unit changes).
        if not committee:
            raise PermissionDenied
        owners = ActionAssignForm(initial={"unit": request.GET.get("unit", "")})
        return render(request, "improvement/_owner_field.html", {"assign": owners})
    error: WorkflowError | None = None
    posted: Any = {}
    owners_url = reverse("staff-issue", kwargs={"pk": issue.pk}) + "?fragment=owners"
    assign: ActionAssignForm | None = ActionAssignForm(owners_url=owners_url) if committee else None
    status = 200
    if request.method == "POST" and request.POST.get("form") == "action":
        if not committee:
            raise PermissionDenied  # action_create refuses them too; no form to show them
        assign = ActionAssignForm(request.POST, owners_url=owners_url)
        if assign.is_valid():
            try:
                action_create(actor=actor, issue=issue, **assign.cleaned_data)
            except WorkflowError as exc:
                # The service's refusals, shown on the fields they are about.
                for name, messages in exc.errors.items():
                    assign.add_error(name if name in assign.fields else None, messages)
                error = None if exc.errors else exc
            else:
                return redirect("staff-issue", pk=issue.pk)
        status = 400
    elif request.method == "POST":
        posted = request.POST
        action_id = posted.get("action", "")
        action = issue.actions.filter(pk=int(action_id)).first() if action_id.isdigit() else None
        if action is None:
            raise Http404
        try:
            action_update(
                actor=actor,
                action=action,
                note=posted.get("note", ""),
                status=posted.get("status", ""),
                evidence=request.FILES.get("evidence"),
            )
        except WorkflowError as exc:
            error, status = exc, 400
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
            "actions": issue_actions(issue, today=timezone.localdate()),
            "complaints": complaints[:100],
            "complaint_count": issue.complaints.count(),
            "complaints_shown": complaints.count(),
            "committee": committee,
            "assign": assign,
            "statuses": ActionStatus.choices,
            "error": error,
            "error_items": error_items(error, labels={}) if error else [],
            "posted": posted,
        },
        status=status,
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
