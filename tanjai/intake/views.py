"""Complaint entry for channel officers (telephone, walk-in, letter, media, 1111, …)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tanjai.accounts.scope import Actor, actor_for
from tanjai.accounts.services import personal_data_shown
from tanjai.complaints.action_forms import error_items
from tanjai.complaints.attachments import attachments_check, kind_for_upload
from tanjai.complaints.errors import InvalidInput, WorkflowError
from tanjai.complaints.models import AttachmentKind
from tanjai.complaints.workflow import REGISTER_ROLES
from tanjai.intake.forms import ComplaintEntryForm
from tanjai.intake.inputs import phone_normalise
from tanjai.intake.selectors import customer_earlier_complaints
from tanjai.intake.services import complaint_register
from tanjai.reference.models import Category

MAX_FILES = 10


def _registering_actor(request: HttpRequest) -> Actor:
    """The signed-in user, if their role may register complaints (step 1); else 403, rather
    than a form that can only be refused once it is filled in."""
    actor = actor_for(request.user)
    if not actor.has_any(REGISTER_ROLES):
        raise PermissionDenied(_("Your role does not allow registering complaints."))
    return actor


@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    actor = _registering_actor(request)
    form = ComplaintEntryForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            # The files are checked before anything is stored: a refused file leaves
            # no complaint behind, and the form comes back as typed.
            uploads = _uploads_checked(
                request.FILES.getlist("files"),
                photos_of_the_problem=request.POST.get("files_kind") == "photos",
                restricted=Category.objects.filter(
                    code=form.cleaned_data["category"], restricted_identity=True
                ).exists(),
            )
            complaint, _created = complaint_register(
                actor=actor,
                data=form.register_data(),
                # One submission, one complaint, whatever the double clicks.
                intake_key=request.POST.get("submission", "")[:100],
                uploads=uploads,
            )
        except WorkflowError as exc:
            error = exc
        else:
            return redirect("staff-complaint-registered", tracking_no=complaint.tracking_no)
    import uuid

    return render(
        request,
        "intake/new.html",
        {
            "form": form,
            "error": error,
            "error_items": error_items(error, labels={f.name: f.label for f in form})
            if error
            else [],
            "files_lost": bool(request.FILES) and (error is not None or bool(form.errors)),
            "submission": request.POST.get("submission") or uuid.uuid4().hex,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
        status=400 if error or form.errors else 200,
    )


def _uploads_checked(
    files: list[UploadedFile], *, photos_of_the_problem: bool, restricted: bool
) -> list[tuple[UploadedFile, str]]:
    if len(files) > MAX_FILES:
        raise InvalidInput(
            _("At most %(n)d files with one complaint.") % {"n": MAX_FILES},
            errors={"files": [_("Too many files.")]},
        )
    content_types = attachments_check(files, kind=AttachmentKind.DOCUMENT)
    return [
        (
            upload,
            kind_for_upload(ct, photos_of_the_problem=photos_of_the_problem, restricted=restricted),
        )
        for upload, ct in zip(files, content_types, strict=True)
    ]


@login_required
def complaint_registered(request: HttpRequest, tracking_no: str) -> HttpResponse:
    """The tracking number, large, to read back to the caller."""
    return render(request, "intake/registered.html", {"tracking_no": tracking_no})


@login_required
def customer_lookup(request: HttpRequest) -> HttpResponse:
    """Earlier complaints of the same account number or phone, within one's scope (HTMX).
    Asked by POST: a phone number in a URL would stay in browser histories and server logs."""
    actor = _registering_actor(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    account = request.POST.get("customer_account_no", "").replace("\x00", "").strip()[:50]
    phone = request.POST.get("customer_phone", "").strip()
    try:
        phone = phone_normalise(phone) if phone else ""
    except ValueError:
        phone = ""
    earlier = customer_earlier_complaints(actor=actor, account_no=account, phone=phone)
    # Each earlier complaint shown is a look at that customer's data.
    personal_data_shown(
        actor=actor, complaint_ids=[c.pk for c in earlier], via="web", purpose="customer look-up"
    )
    return render(request, "intake/_earlier.html", {"earlier": earlier})
