"""The public portal at /: make a complaint, get its receipt, track it. No sign-in."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from tanjai.complaints.errors import WorkflowError
from tanjai.core.api import client_address
from tanjai.organisation.selectors import branch_for_place
from tanjai.portal.forms import PortalComplaintForm, form_stamp
from tanjai.portal.services import (
    MAX_PHOTOS,
    Refused,
    portal_submit,
    public_lookup,
    public_state,
    public_timeline,
)
from tanjai.portal.survey import SurveyClosed, survey_answer, survey_complaint

_RECEIPTS = "portal_receipts"


def _register_data(form: PortalComplaintForm) -> dict[str, Any]:
    d = form.cleaned_data
    data: dict[str, Any] = {
        "category": d["category"],
        "description": d["description"],
        "anonymous": bool(d.get("anonymous")),
    }
    if d.get("subcategory"):
        data["subcategory"] = d["subcategory"]
    if d.get("branch"):
        data["branch"] = d["branch"]
    location: dict[str, Any] = {"address": d.get("address", ""), "province": d.get("province", "")}
    if d.get("lat") is not None and d.get("lon") is not None:
        location.update(lat=d["lat"], lon=d["lon"])
    elif not d.get("branch") and d.get("province"):
        branch = branch_for_place(province=d["province"])
        if branch is not None:
            data["branch"] = branch.code
    data["location"] = location
    if not d.get("anonymous"):
        customer = {
            "name": d.get("name", ""),
            "phone": d.get("phone", ""),
            "email": d.get("email", ""),
            "account_no": d.get("account_no", ""),
        }
        if any(customer.values()):
            data["customer"] = customer
    return data


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    form = PortalComplaintForm(request.POST or None)
    error: WorkflowError | Refused | None = None
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            receipt = portal_submit(
                data=_register_data(form),
                photos=list(request.FILES.getlist("photos")),
                submission=form.cleaned_data["submission"],
                address=client_address(request) or "",
            )
        except Refused as exc:
            error = exc
        except WorkflowError as exc:
            error = exc
            labels = {f.name: str(f.label) for f in form}
            labels.update(customer_phone=labels["phone"], photos=str(_photos_label()))
            errors = [
                (labels.get(field.split(".")[-1], labels.get(field, "")), message)
                for field, messages in exc.errors.items()
                for message in messages
            ]
        else:
            receipts = request.session.get(_RECEIPTS, {})
            receipts[receipt.complaint.tracking_no] = receipt.code
            request.session[_RECEIPTS] = receipts
            return redirect("portal-receipt", tracking_no=receipt.complaint.tracking_no)
    if request.method == "POST" and not form.is_valid():
        data = request.POST.copy()
        data["stamp"] = form_stamp()  # a new stamp, so that the corrected form can be sent
        form.data = data
    if request.method != "POST":
        form = PortalComplaintForm(initial={"stamp": form_stamp(), "submission": uuid.uuid4().hex})
    return render(
        request,
        "portal/home.html",
        {
            "form": form,
            "error": error,
            "errors": errors,
            "max_photos": MAX_PHOTOS,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
        status=429 if isinstance(error, Refused) else 400 if request.method == "POST" else 200,
    )


def _photos_label() -> Any:
    from django.utils.translation import gettext_lazy

    return gettext_lazy("Photos")


@never_cache
def receipt(request: HttpRequest, tracking_no: str) -> HttpResponse:
    """The tracking number of the complaint just made, to this browser only."""
    receipts = request.session.get(_RECEIPTS, {})
    if tracking_no not in receipts:
        raise Http404
    return render(
        request, "portal/receipt.html", {"tracking_no": tracking_no, "code": receipts[tracking_no]}
    )


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"number": "", "not_found": False}
    if request.method == "POST":
        number = request.POST.get("number", "")[:20]
        secret = request.POST.get("secret", "")[:20]
        context["number"] = number
        try:
            complaint = public_lookup(
                number=number, secret=secret, address=client_address(request) or ""
            )
        except Refused as exc:
            context["refused"] = exc
            return render(request, "portal/track.html", context, status=429)
        if complaint is None:
            context["not_found"] = True
            return render(request, "portal/track.html", context, status=404)
        context.update(
            complaint=complaint,
            steps=public_timeline(complaint),
            state=public_state(complaint),
        )
    return render(request, "portal/track.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@never_cache
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The one-page satisfaction survey of the closing notice's link."""

    try:
        complaint = survey_complaint(token)
    except SurveyClosed as exc:
        return render(request, "portal/survey.html", {"closed": str(exc)}, status=410)
    answered = hasattr(complaint, "survey_answer")
    error = ""
    if request.method == "POST" and not answered:
        score = request.POST.get("score", "")
        if score not in {"1", "2", "3", "4", "5"}:
            error = "score"
        else:
            survey_answer(
                complaint=complaint,
                score=int(score),
                comment=request.POST.get("comment", "").strip(),
                channel="web",
            )
            return redirect("portal-survey", token=token)
    return render(
        request,
        "portal/survey.html",
        {
            "complaint": complaint,
            "answered": answered,
            "error": error,
            "comment": request.POST.get("comment", ""),
        },
        status=400 if error else 200,
    )
