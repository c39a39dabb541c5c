"""Staff pages: thin views over the selectors and the workflow service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tanjai.accounts.scope import actor_for
from tanjai.accounts.services import personal_data_access_log, personal_data_shown
from tanjai.complaints.action_forms import (
    CHOICE_LABELS,
    action_data,
    actions_offered,
    error_items,
)
from tanjai.complaints.attachments import (
    attachment_add,
    attachment_neutral_name,
    attachment_permitted,
    attachments_check,
)
from tanjai.complaints.errors import InvalidInput, WorkflowError
from tanjai.complaints.models import AttachmentKind, Complaint
from tanjai.complaints.selectors import (
    complaint_get,
    complaint_page_get,
    identity_visible,
)
from tanjai.complaints.services import (
    action_permitted,
    action_permitted_any,
    complaint_act,
    complaint_lookup,
)
from tanjai.complaints.workflow import ACTIONS, ActionCode
from tanjai.notifications.customer import notice_resend, notice_told
from tanjai.notifications.views import notices_context
from tanjai.sla.services import sla_status


@login_required
def notice_resend_view(request: HttpRequest, tracking_no: str, pk: int) -> HttpResponse:
    """Send a failed notice to the customer again."""

    if request.method != "POST":
        raise Http404
    actor = actor_for(request.user)
    complaint = complaint_get(actor=actor, tracking_no=_number(tracking_no))
    if complaint is None:
        raise Http404
    notice = complaint.notification_set.filter(pk=pk, to_customer=True).first()
    if notice is None or not action_permitted_any(actor=actor, complaint=complaint):
        raise Http404
    notice_resend(notification=notice)
    return _after_post(request, complaint.tracking_no)


@login_required
def notice_told_view(request: HttpRequest, tracking_no: str, pk: int) -> HttpResponse:
    """The centre telephoned the customer with a notice's words (reached or not): logged as
    a contact through the workflow, and the task is done."""

    if request.method != "POST":
        raise Http404
    actor = actor_for(request.user)
    complaint = complaint_get(actor=actor, tracking_no=_number(tracking_no))
    if complaint is None:
        raise Http404
    notice = complaint.notification_set.filter(pk=pk, to_customer=True).first()
    if notice is None:
        raise Http404
    if not (
        action_permitted(actor=actor, action=ActionCode.CONTACT_LOG, complaint=complaint)
        and identity_visible(actor=actor, complaint=complaint)  # to read the number out
    ):
        raise PermissionDenied  # who asks, before what they sent
    answer = request.POST.get("reached")
    if answer not in ("yes", "no"):
        return HttpResponseBadRequest(_("Say whether the customer was reached."))
    try:
        notice_told(
            notification_id=notice.pk,
            actor=actor,
            reached=answer == "yes",
            note=request.POST.get("note", "")[:2000],
        )
    except WorkflowError as exc:
        if exc.status == 404:
            raise Http404 from None
        return _after_post(request, complaint.tracking_no, error=exc)
    return _after_post(request, complaint.tracking_no)


def _number(tracking_no: str) -> str:
    """The tracking number of a URL, canonical; a malformed one is a page not found."""
    try:
        return complaint_lookup(tracking_no)
    except WorkflowError:
        raise Http404 from None


def _complaint_context(
    request: HttpRequest,
    tracking_no: str,
    *,
    error: WorkflowError | None = None,
    failed_action: str = "",
    done: list | None = None,
) -> dict:
    """The complaint page: the complaint as the actor may see it, what they may do, its SLA
    and its notices to the customer. Showing the customer is logged."""
    actor = actor_for(request.user)
    page = complaint_page_get(actor=actor, tracking_no=_number(tracking_no))
    if page is None:
        raise Http404
    complaint, sees_identity = page["c"], page["sees_identity"]
    if sees_identity:
        personal_data_shown(actor=actor, complaint_ids=[complaint.pk], via="web")
    related = [
        {
            **r,
            "can_mark": action_permitted(
                actor=actor, action=ActionCode.MARK_DUPLICATE, complaint=r["complaint"]
            ),
        }
        for r in page["related"]
    ]
    handles_customer = action_permitted_any(actor=actor, complaint=complaint)
    return {
        **notices_context(
            actor=actor,
            complaint=complaint,
            handles_customer=handles_customer,
            sees_identity=sees_identity,
        ),
        **page,
        "contacts": [
            {**k, "method": CHOICE_LABELS.get(k["contact_method"], "")} for k in page["contacts"]
        ],
        "related": related,
        "can_mark_related": any(r["can_mark"] for r in related),
        "may_resend": handles_customer,
        "may_attach": attachment_permitted(actor=actor, complaint=complaint),
        "actions": actions_offered(
            actor=actor,
            complaint=complaint,
            refused=failed_action,
            data=request.POST if failed_action else None,
        ),
        "sla": {
            target: {**value, "label": SLA_STATE_LABELS[value["state"]]}
            for target, value in sla_status(complaint).items()
        },
        "error_items": error_items(error) if error else [],
        "done": done,
        "error": error,
    }


SLA_STATE_LABELS = {
    "met": gettext_lazy("met"),
    "breached": gettext_lazy("breached"),
    "open_on_time": gettext_lazy("on time"),
    "open_overdue": gettext_lazy("overdue"),
    "not_applicable": gettext_lazy("not applicable"),
}


@login_required
def complaint_page(request: HttpRequest, tracking_no: str) -> HttpResponse:
    return render(request, "complaints/complaint.html", _complaint_context(request, tracking_no))


@login_required
def complaint_action(request: HttpRequest, tracking_no: str, action: str) -> HttpResponse:
    """Take an action from the complaint page. A refusal re-renders the page with its
    reason and the typed values kept; a conflict shows the complaint as it now is."""
    if request.method != "POST" or action not in ACTIONS:
        raise Http404
    version = request.POST.get("version")
    try:
        photos = [(p, AttachmentKind.PHOTO_BEFORE) for p in request.FILES.getlist("photos_before")]
        after = (
            AttachmentKind.PHOTO_AFTER
            if action == ActionCode.REPORT_FIXED
            else AttachmentKind.PHOTO_BEFORE
        )
        photos += [(p, after) for p in request.FILES.getlist("photos")]
        # The photos go with the action, in its transaction: a file that is not a photo
        # refuses the report before anything is written, so the technician sends both again
        # together; a refused report keeps no photo.
        complaint_act(
            tracking_no=tracking_no,
            actor=actor_for(request.user),
            action=action,
            data=action_data(action, request.POST),
            expected_version=int(version) if version and version.isdigit() else None,
            uploads=photos,
        )
    except WorkflowError as exc:
        if exc.status == 404:
            raise Http404 from None
        return _after_post(request, tracking_no, error=exc, failed_action=action)
    return _after_post(request, tracking_no)


def _visible_or_404(request: HttpRequest, tracking_no: str) -> Complaint:
    """A complaint outside one's scope is not found, before anything else is said of it."""

    complaint = complaint_get(actor=actor_for(request.user), tracking_no=_number(tracking_no))
    if complaint is None:
        raise Http404
    return complaint


def _after_post(
    request: HttpRequest, tracking_no: str, *, error: WorkflowError | None = None, **extra: Any
) -> HttpResponse:
    """The complaint as it now is: the fragment for HTMX, else the page (a redirect when
    all went well, so a reload does not post again)."""
    if error is None and not request.headers.get("HX-Request") and not extra.get("done"):
        return redirect("staff-complaint", tracking_no=tracking_no)
    try:
        context = _complaint_context(request, tracking_no, error=error, **extra)
    except Http404:
        # Forwarded out of this user's scope: done, and no longer theirs to see.
        return render(request, "complaints/_moved.html", {"tracking_no": tracking_no})
    if request.headers.get("HX-Request"):
        # HTMX swaps only successful answers: a refusal is shown in the fragment.
        return render(request, "complaints/_complaint.html", context)
    return render(
        request, "complaints/complaint.html", context, status=error.status if error else 200
    )


@login_required
def attachment_upload(request: HttpRequest, tracking_no: str) -> HttpResponse:
    """Add photos or documents to a complaint from its page."""

    if request.method != "POST":
        raise Http404
    complaint = _visible_or_404(request, tracking_no)

    if not attachment_permitted(actor=actor_for(request.user), complaint=complaint):
        raise PermissionDenied  # who asks, before what they sent
    kind = request.POST.get("kind", AttachmentKind.DOCUMENT)
    try:
        uploads = request.FILES.getlist("files")
        if not uploads:
            raise InvalidInput(
                _("Choose a file to attach."), errors={"files": [_("No file chosen.")]}
            )
        attachments_check(uploads, kind=kind)  # all checked before any is stored
        for upload in uploads:
            attachment_add(
                actor=actor_for(request.user),
                tracking_no=complaint_lookup(tracking_no),
                upload=upload,
                kind=kind,
                now=timezone.now(),
            )
    except WorkflowError as exc:
        if exc.status == 404:
            raise Http404 from None
        return _after_post(request, tracking_no, error=exc)
    return _after_post(request, tracking_no)


@login_required
def attachment_file(request: HttpRequest, tracking_no: str, pk: int) -> FileResponse:
    """A complaint's file, to those who may see the complaint. Documents (letters, forms)
    carry personal data: only those who may see the customer open them, and it is logged."""

    actor = actor_for(request.user)
    complaint = complaint_get(actor=actor, tracking_no=_number(tracking_no))
    if complaint is None:
        raise Http404
    attachment = complaint.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    sees_identity = identity_visible(actor=actor, complaint=complaint)
    if attachment.kind == AttachmentKind.DOCUMENT:
        if not sees_identity:
            raise Http404
        if actor.user_id is not None:
            personal_data_access_log(user_id=actor.user_id, complaint_id=complaint.pk, via="file")
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        # A file's own name may carry a name or a phone number.
        filename=attachment.original_name if sees_identity else attachment_neutral_name(attachment),
    )
    # Not kept by the browser: a shared office PC keeps no copy after sign-out, and each
    # opening goes through this check (and the access log).
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def duplicates_mark(request: HttpRequest, tracking_no: str) -> HttpResponse:
    """Mark the chosen related complaints duplicates of this one, each through the workflow
    service; each refusal is reported with its reason, the others still done."""
    if request.method != "POST":
        raise Http404
    complaint = _visible_or_404(request, tracking_no)
    actor = actor_for(request.user)
    if not action_permitted(actor=actor, action=ActionCode.MARK_DUPLICATE, complaint=complaint):
        raise PermissionDenied  # who asks, before what they sent
    master = _number(tracking_no)
    done: list[dict[str, Any]] = []
    numbers = list(dict.fromkeys(request.POST.getlist("numbers")))[:100]
    if not numbers:
        return _after_post(
            request,
            tracking_no,
            error=InvalidInput(
                _("Choose the complaints to mark."), errors={"numbers": [_("None chosen.")]}
            ),
        )
    for number in numbers:
        try:
            complaint_act(
                tracking_no=number,
                actor=actor,
                action=ActionCode.MARK_DUPLICATE,
                data={"of": master},
            )
        except WorkflowError as exc:
            done.append({"number": number, "ok": False, "message": exc.message})
        else:
            done.append({"number": number, "ok": True, "message": ""})
    return _after_post(request, tracking_no, done=done)
