"""Staff pages of the notices to customers: the centre's telephone tasks, the printable
survey card for a walk-in customer, and the local SMS outbox of the embedded default."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tanjai.accounts.scope import Actor, actor_for
from tanjai.accounts.services import personal_data_access_log
from tanjai.complaints.action_forms import CHOICE_LABELS
from tanjai.complaints.errors import WorkflowError
from tanjai.complaints.models import Complaint
from tanjai.complaints.selectors import complaint_get
from tanjai.complaints.services import action_permitted, complaint_lookup
from tanjai.complaints.workflow import ActionCode, State
from tanjai.notifications.customer import customer_channel
from tanjai.notifications.models import LocalSms
from tanjai.notifications.selectors import TELEPHONE_ROLES, customer_notices, telephone_tasks
from tanjai.notifications.transports import sms_backend
from tanjai.portal.survey import SURVEY_VALID_FOR, survey_qr_svg, survey_url


def notices_context(
    *, actor: Actor, complaint: Complaint, handles_customer: bool, sees_identity: bool
) -> dict[str, Any]:
    """The complaint page's notices: each with its channel and, once told, how; whether the
    actor may record a telephone call; and the survey link for the centre to read out, send
    or print while a closed complaint has no score."""
    survey = None
    if complaint.status == State.CLOSED and complaint.satisfaction is None and handles_customer:
        survey = {"url": survey_url(complaint)}  # a fresh link, valid 30 days from now
        if actor.user_id is not None:  # a link that answers for the customer: who saw it
            personal_data_access_log(
                user_id=actor.user_id, complaint_id=complaint.pk, via="web", purpose="survey link"
            )
    # How a notice was told: the contact's method; a registration told in the conversation
    # itself, on the telephone or at the counter.
    spoken = "in_person" if complaint.channel.code == "walk_in" else "phone"
    notices = [
        {
            "n": n,
            "channel": CHOICE_LABELS.get(n.channel, n.channel),
            "method": CHOICE_LABELS.get(n.contact_event.data.get("contact_method", spoken), "")
            if n.contact_event
            else "",
        }
        for n in customer_notices(complaint=complaint)
    ]
    return {
        "notices": notices,
        # Only one who may see the customer's number and the words can make the call.
        "may_tell": sees_identity
        and action_permitted(actor=actor, action=ActionCode.CONTACT_LOG, complaint=complaint),
        "unreachable": not complaint.anonymous and customer_channel(complaint) is None,
        "sms_local": sms_backend() == "local",
        "may_read_outbox": actor.is_admin,
        "survey": survey,
    }


@login_required
def telephone_tasks_page(request: HttpRequest) -> HttpResponse:
    """The notices the centre must read out on the telephone, oldest first. The list names
    no customer: the number and the words are on each complaint's page (which logs access)."""
    actor = actor_for(request.user)
    if not actor.has_any(TELEPHONE_ROLES):
        raise Http404
    page = Paginator(telephone_tasks(actor=actor), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/telephone_tasks.html", {"page": page})


@login_required
def survey_card(request: HttpRequest, tracking_no: str) -> HttpResponse:
    """A printable card (A6 or A4) with the survey's QR code and the tracking number, for a
    customer at the counter; only for the centre of the complaint, closed and not yet scored."""

    actor = actor_for(request.user)
    try:
        number = complaint_lookup(tracking_no)
    except WorkflowError:
        raise Http404 from None
    complaint = complaint_get(actor=actor, tracking_no=number)
    if (
        complaint is None
        or not actor.has_any(TELEPHONE_ROLES)
        or not actor.covers(region_id=complaint.region_id, branch_id=complaint.branch_id)
        or complaint.status != State.CLOSED
        or complaint.satisfaction is not None
    ):
        raise Http404
    url = survey_url(complaint)
    if actor.user_id is not None:
        personal_data_access_log(
            user_id=actor.user_id, complaint_id=complaint.pk, via="web", purpose="survey card"
        )
    paper = "a4" if request.GET.get("paper") == "a4" else "a6"
    return render(
        request,
        "portal/survey_card.html",
        {
            "c": complaint,
            "url": url,
            "qr": survey_qr_svg(url),
            "valid_until": timezone.now() + SURVEY_VALID_FOR,
            "paper": paper,
        },
    )


@login_required
def local_sms_outbox(request: HttpRequest) -> HttpResponse:
    """The SMS kept by the local backend instead of sent: what customers would have received.
    Administrators only (numbers and words of every branch)."""
    actor = actor_for(request.user)
    if not actor.is_admin:
        raise Http404
    rows = LocalSms.objects.select_related("notification__complaint")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for sms in page:  # customers' numbers and words: each complaint shown is logged
        if sms.notification.complaint_id and actor.user_id is not None:
            personal_data_access_log(
                user_id=actor.user_id,
                complaint_id=sms.notification.complaint_id,
                via="web",
                purpose="local SMS outbox",
            )
    return render(request, "notifications/local_sms.html", {"page": page, "backend": sms_backend()})
