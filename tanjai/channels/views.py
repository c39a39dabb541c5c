"""Staff pages for importing GCC 1111 and Damrongtham files: upload, watch the progress,
read and download the rejected rows."""

from __future__ import annotations

import hashlib
import io

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tanjai.accounts.models import ScopeLevel
from tanjai.accounts.scope import Actor, actor_for
from tanjai.accounts.services import personal_data_access_log
from tanjai.channels.answers import answers_csv
from tanjai.channels.imports import STALLED_AFTER, import_counts, rejected_csv
from tanjai.channels.models import ImportBatch, ImportFormat, ImportStatus, RowOutcome
from tanjai.channels.tasks import import_run_task
from tanjai.complaints.workflow import REGISTER_ROLES
from tanjai.core.periods import Period, PeriodError, period_parse

SHOWN_REJECTED = 200


class ImportForm(forms.Form):
    format = forms.ModelChoiceField(
        label=gettext_lazy("From"),
        queryset=ImportFormat.objects.filter(active=True).select_related("channel"),
        empty_label=None,
    )
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > settings.TANJAI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.")
                % {"mb": settings.TANJAI_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        head = upload.read(8)
        upload.seek(0)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise forms.ValidationError(
                _("An old Excel file (.xls): save it as .xlsx or CSV first.")
            )
        if b"\x00" in upload.read(4096) and not head.startswith(b"PK\x03\x04"):
            raise forms.ValidationError(_("The file is neither CSV nor XLSX."))
        upload.seek(0)
        return upload


def _importer(request: HttpRequest) -> Actor:
    actor = actor_for(request.user)
    if not actor.has_any(REGISTER_ROLES):
        raise PermissionDenied
    return actor


def _batches(request: HttpRequest, actor: Actor) -> QuerySet[ImportBatch]:
    """Batches hold the files' personal data: each is seen by whoever uploaded it, and by
    administrators and head-office staff."""
    batches = ImportBatch.objects.select_related("format", "uploaded_by")
    if actor.is_admin or actor.scope_level == ScopeLevel.ORG:
        return batches
    return batches.filter(uploaded_by_id=request.user.pk)


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    actor = _importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        batch = ImportBatch(
            format=form.cleaned_data["format"],
            file_name=upload.name[:200],
            sha256=digest.hexdigest(),
            uploaded_by_id=request.user.pk,
        )
        batch.file.save(upload.name, upload, save=False)
        batch.save()
        import_run_task.enqueue(batch.pk)
        return redirect("staff-import", pk=batch.pk)
    return render(
        request,
        "channels/imports.html",
        {
            "form": form,
            "answers": AnswersForm(auto_id="answers-%s"),
            "batches": _batches(request, actor)[:30],
        },
        status=400 if form.errors else 200,
    )


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = _batches(request, _importer(request)).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def _progress_context(batch: ImportBatch) -> dict:
    counts = import_counts(batch)
    done = sum(counts.values())
    total = batch.total_rows or 0
    return {
        "batch": batch,
        "counts": counts,
        "done": done,
        "total": max(total, done),
        "percent": 100 * done // total if total else (100 if batch.status == "done" else 0),
        "running": batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "stalled": _stalled(batch),
    }


def _stalled(batch: ImportBatch) -> bool:
    """Running, but no row done for a while: the worker stopped. (A waiting batch may be
    behind another import; the claim makes a second run of it harmless anyway.)"""
    if batch.status != ImportStatus.RUNNING:
        return False
    last = batch.heartbeat_at or batch.created_at
    return last < timezone.now() - STALLED_AFTER


@login_required
def import_page(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if request.headers.get("HX-Request"):
        return render(request, "channels/_import_progress.html", _progress_context(batch))
    rejected = batch.rows.filter(outcome=RowOutcome.REJECTED).order_by("row_no")
    if rejected.exists():  # their reasons quote the rows' values: names, phone numbers
        personal_data_access_log(
            user_id=int(request.user.pk or 0),
            via="web",
            purpose="import rejected rows",
            subject=f"import {batch.pk}: {batch.file_name}",
        )
    created = (
        batch.rows.filter(outcome=RowOutcome.CREATED)
        .select_related("complaint")
        .order_by("row_no")[:SHOWN_REJECTED]
    )
    return render(
        request,
        "channels/import.html",
        {
            **_progress_context(batch),
            "rejected": rejected[:SHOWN_REJECTED],
            "created": created,
            "shown": SHOWN_REJECTED,
        },
    )


@login_required
def import_rejected(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    personal_data_access_log(
        user_id=int(request.user.pk or 0),
        via="file",
        purpose="import rejected rows (CSV)",
        subject=f"import {batch.pk}: {batch.file_name}",
    )
    out = io.StringIO()
    rejected_csv(batch, out)
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="rejected-{batch.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


class AnswersForm(forms.Form):
    format = forms.ModelChoiceField(
        label=gettext_lazy("For"),
        queryset=ImportFormat.objects.filter(active=True),
        to_field_name="code",
        empty_label=None,
    )
    period = forms.CharField(
        label=gettext_lazy("Cases received in"),
        help_text=gettext_lazy(
            "A month (2026-10), a quarter (FY2569-Q1) or a fiscal year (FY2569)"
        ),
        max_length=30,
    )

    def clean_period(self) -> Period:
        try:
            return period_parse(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


@login_required
def import_answers(request: HttpRequest) -> HttpResponse:
    """What PWA did with each case an outside system sent, keyed by its case number."""
    actor = _importer(request)
    form = AnswersForm(request.GET or None, auto_id="answers-%s")
    if not form.is_valid():
        return render(
            request,
            "channels/imports.html",
            {"form": ImportForm(), "answers": form, "batches": _batches(request, actor)[:30]},
            status=400,
        )
    fmt, period = form.cleaned_data["format"], form.cleaned_data["period"]
    out = io.StringIO()
    answers_csv(actor=actor, fmt=fmt, period=period, out=out)
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="answers-{fmt.code}-{period.code}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def import_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a stopped import back to the worker; it continues after the last row done."""
    batch = _batch(request, pk)
    if _stalled(batch):
        import_run_task.enqueue(batch.pk)
    return redirect("staff-import", pk=batch.pk)
