"""The data protection officer's pages: the requests with their deadlines, a new request,
and one request: who it is about, what matches, confirm, carry out, the copy, the log.
Every other role gets 403."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tanjai.accounts.scope import Actor, actor_for
from tanjai.complaints.errors import Forbidden, WorkflowError
from tanjai.complaints.models import Complaint
from tanjai.privacy.forms import RequestForm
from tanjai.privacy.models import (
    DataSubjectRequest,
    RequestKind,
    RequestStatus,
    StepKind,
)
from tanjai.privacy.selectors import (
    PersonMatches,
    anonymised_ids,
    request_overdue,
    requests_open,
    requests_overdue,
)
from tanjai.privacy.services import (
    CORRECTABLE,
    dpo_required,
    request_carry_out,
    request_confirm,
    request_copy,
    request_create,
    request_preview,
    request_refuse,
)

KEY_LABELS = {
    "name": _("name"),
    "phone": _("phone"),
    "email": _("e-mail"),
    "line_user_id": _("LINE user id"),
    "messenger_id": _("Messenger id"),
    "account_no": _("account number"),
}
DETAIL_LABELS = {
    "complaints": _("complaints"),
    "import_rows": _("rejected import rows"),
    "conversations": _("unsent chats"),
    "chats": _("unsent chats"),
    "notices": _("notices"),
    "messages": _("messages"),
    "survey_answers": _("survey answers"),
    "files": _("files"),
    "bytes": _("bytes"),
    "events": _("events redacted"),
    "documents": _("documents deleted"),
    "photos": _("photos cleaned"),
    "already": _("already anonymised"),
    "objections": _("identifiers objected"),
    "notices_withdrawn": _("notices withdrawn"),
    "unchanged": _("complaints unchanged"),
}


def _found_by(keys: list[str]) -> str:
    return ", ".join(str(KEY_LABELS.get(k, k)) for k in keys)


def _column_label(column: str) -> str:
    return capfirst(str(getattr(Complaint._meta.get_field(column), "verbose_name", column)))


def step_summary(detail: dict[str, Any]) -> str:
    """A log step's details in words (the log keeps codes and counts, never values)."""
    parts: list[str] = []
    for key, value in detail.items():
        if key == "identifiers":
            parts.append(str(_("found by")) + ": " + _found_by(value))
        elif key == "counts":
            parts.extend(f"{DETAIL_LABELS.get(k, k)} {v}" for k, v in value.items())
        elif key == "complaints" and isinstance(value, list):
            if value:
                parts.append(", ".join(value))
        elif key == "corrected":
            parts.extend(
                f"{number}: {', '.join(_column_label(c) for c in columns)}"
                for number, columns in value.items()
            )
        elif key == "sha256":
            parts.append(f"SHA-256 {value[:16]}…")
        else:
            parts.append(f"{DETAIL_LABELS.get(key, key)} {value}")
    return " · ".join(parts)


def _dpo(request: HttpRequest) -> Actor:
    actor = actor_for(request.user)
    try:
        dpo_required(actor)
    except Forbidden:
        raise PermissionDenied from None
    return actor


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()]


@login_required
def requests_page(request: HttpRequest) -> HttpResponse:
    actor = _dpo(request)
    form = RequestForm(request.POST or None)
    error: WorkflowError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            made = request_create(
                actor=actor,
                kind=form.cleaned_data["kind"],
                keys=form.keys(),
                received_at=form.received_at(),
                corrections=form.corrections(),
                note=form.cleaned_data.get("note", ""),
            )
        except WorkflowError as exc:
            error = exc
        else:
            return redirect("privacy-request", pk=made.pk)
    now = timezone.now()
    listed = DataSubjectRequest.objects.order_by("-received_at", "-id")[:200]
    today = timezone.localdate(now)
    rows = [
        {
            "r": r,
            "overdue": request_overdue(r, now=now),
            "days_left": (timezone.localdate(r.due_at) - today).days,
        }
        for r in listed
    ]
    return render(
        request,
        "privacy/requests.html",
        {
            "rows": rows,
            "form": form,
            "error": error,
            "open_count": requests_open().count(),
            "overdue_count": requests_overdue(now=now).count(),
            "now": now,
        },
        status=400 if request.method == "POST" else 200,
    )


def _matches_context(matches: PersonMatches, dsr: DataSubjectRequest) -> dict[str, Any]:
    chosen = set(dsr.complaints.values_list("pk", flat=True))
    gone = anonymised_ids([m.obj.pk for m in matches.complaints])
    return {
        "complaints": [
            {
                "m": m,
                "found_by": _found_by(m.keys),
                # Ticked at first only when found by more than the name: a namesake's
                # complaint is the officer's to add, not to notice and take out.
                "checked": m.obj.pk in chosen or (not chosen and set(m.keys) != {"name"}),
                "anonymised": m.obj.pk in gone,
            }
            for m in matches.complaints
        ],
        "import_rows": [{"m": m, "found_by": _found_by(m.keys)} for m in matches.import_rows],
        "conversations": matches.conversations,
        "counts": matches.counts(),
    }


@login_required
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _dpo(request)
    dsr = get_object_or_404(DataSubjectRequest, pk=pk)
    error: WorkflowError | None = None
    if request.method == "POST":
        form = request.POST.get("form", "")
        try:
            if form == "confirm":
                request_confirm(
                    actor=actor,
                    request=dsr,
                    complaint_ids=_ids(request, "complaint"),
                    import_row_ids=_ids(request, "import_row"),
                    conversation_ids=_ids(request, "conversation"),
                )
            elif form == "carry_out":
                request_carry_out(actor=actor, request=dsr)
            elif form == "refuse":
                request_refuse(actor=actor, request=dsr, reason=request.POST.get("reason", ""))
        except WorkflowError as exc:
            error = exc
        else:
            return redirect("privacy-request", pk=dsr.pk)
        dsr.refresh_from_db()
    matches = None
    # What matches is shown until the officer confirms (and again when asked, to change
    # the selection): each showing is logged by request_preview.
    if dsr.status == RequestStatus.RECEIVED or (dsr.is_open and "lookup" in request.GET):
        matches = _matches_context(request_preview(actor=actor, request=dsr), dsr)
    steps = list(dsr.steps.all())
    confirmed = list(
        dsr.complaints.select_related("category", "branch").order_by("received_at", "id")
    )
    corrections = [
        (_column_label(CORRECTABLE[key]), value) for key, value in dsr.corrections.items()
    ]
    return render(
        request,
        "privacy/request.html",
        {
            "dsr": dsr,
            "overdue": request_overdue(dsr),
            "matches": matches,
            "confirmed": confirmed,
            "open_confirmed": sum(1 for c in confirmed if c.is_open),
            "corrections": corrections,
            "steps": [{"s": s, "summary": step_summary(s.detail)} for s in steps],
            "copy_made": any(step.step == StepKind.COPY_MADE for step in steps),
            "kinds": RequestKind,
            "states": RequestStatus,
            "error": error,
        },
        status=(error.status if error else 200),
    )


@login_required
@require_GET
def request_copy_download(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _dpo(request)
    dsr = get_object_or_404(DataSubjectRequest, pk=pk)
    try:
        name, content = request_copy(actor=actor, request=dsr)
    except WorkflowError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
