"""Staff pages: thin views over the selectors and the workflow service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import actor_for
from tanjai.complaints.action_forms import action_data, action_fields
from tanjai.complaints.errors import WorkflowError
from tanjai.complaints.forms import QueueFilterForm
from tanjai.complaints.selectors import (
    ComplaintFilters,
    complaint_list,
    identity_visible,
    queue_counts,
    queue_filter,
    sla_badge,
)
from tanjai.complaints.services import action_permitted, complaint_act, complaint_lookup
from tanjai.complaints.workflow import ACTIONS, actions_available
from tanjai.core.text import mask_personal_text

QUEUES = [
    ("to_forward", _("New, to forward")),
    ("to_dispatch", _("To dispatch")),
    ("to_inform", _("Customer to inform (24 h)")),
    ("to_verify", _("Fixed, to verify")),
    ("to_close", _("Verified, to close")),
    ("overdue", _("Overdue")),
    ("my_jobs", _("My work orders")),
]


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The day's work at a glance: how many complaints wait in each queue of one's scope."""
    actor = actor_for(request.user)
    counts = queue_counts(actor=actor)
    # A technician's day is their own work orders; the others' the queues of their scope.
    technician = actor.roles == {Role.TECHNICIAN}
    shown = [(c, label) for c, label in QUEUES if (c == "my_jobs") == technician]
    return render(
        request,
        "complaints/staff_home.html",
        {"queues": [(code, label, counts[code]) for code, label in shown], "now": timezone.now()},
    )


@login_required
def queue(request: HttpRequest, name: str) -> HttpResponse:
    """One work queue of the actor's scope, filtered and sorted; HTMX swaps the rows only."""
    labels = dict(QUEUES)
    if name not in labels:
        raise Http404
    actor = actor_for(request.user)
    now = timezone.now()
    form = QueueFilterForm(request.GET or None)
    order = form.value("order") or "resolve_due_at"
    complaints = (
        complaint_list(
            actor=actor,
            filters=ComplaintFilters(
                category=form.value("category") or None,
                channel=form.value("channel") or None,
                q=form.value("q") or None,
            ),
            now=now,
        )
        .filter(queue_filter(name, now=now, actor=actor))
        .order_by(order, "id")
    )
    page = Paginator(complaints, 25).get_page(request.GET.get("page"))
    rows = [
        {
            "complaint": c,
            "description": c.description
            if identity_visible(actor=actor, complaint=c)
            else mask_personal_text(c.description),
            "badge": sla_badge(c.resolve_due_at, now=now, is_open=c.is_open),
        }
        for c in page
    ]
    context = {"name": name, "label": labels[name], "form": form, "page": page, "rows": rows}
    template = (
        "complaints/_queue_rows.html"
        if request.headers.get("HX-Request")
        else "complaints/queue.html"
    )
    return render(request, template, context)


def _complaint_context(
    request: HttpRequest,
    tracking_no: str,
    *,
    error: WorkflowError | None = None,
    failed_action: str = "",
) -> dict:
    from tanjai.accounts.services import personal_data_access_log
    from tanjai.complaints.selectors import complaint_get
    from tanjai.sla.services import sla_status

    actor = actor_for(request.user)
    complaint = complaint_get(actor=actor, tracking_no=complaint_lookup(tracking_no))
    if complaint is None:
        raise Http404
    sees_identity = identity_visible(actor=actor, complaint=complaint)
    if sees_identity and actor.user_id is not None:
        personal_data_access_log(user_id=actor.user_id, complaint_id=complaint.pk, via="web")

    def text(value: str) -> str:
        return value if sees_identity else mask_personal_text(value)

    events = [
        {
            "event": e,
            "label": ACTIONS[e.action].label
            if e.action in ACTIONS
            else EVENT_LABELS.get(e.action, e.action),
            "note": text(e.note),
        }
        for e in complaint.events.all()
    ]
    actions = [
        {
            "code": a.code,
            "label": a.label,
            "fields": action_fields(
                a.code, complaint, request.POST if a.code == failed_action else None
            ),
            "open": a.code == failed_action,
        }
        for a in actions_available(status=complaint.status)
        if action_permitted(actor=actor, action=a.code, complaint=complaint)
    ]
    return {
        "c": complaint,
        "description": text(complaint.description),
        "sees_identity": sees_identity,
        "sla": {
            target: {**value, "label": SLA_STATE_LABELS[value["state"]]}
            for target, value in sla_status(complaint).items()
        },
        "events": events,
        "actions": actions,
        "attachments": list(complaint.attachments.all()),
        "error": error,
    }


SLA_STATE_LABELS = {
    "met": _("met"),
    "breached": _("breached"),
    "open_on_time": _("on time"),
    "open_overdue": _("overdue"),
    "not_applicable": _("not applicable"),
}
EVENT_LABELS = {
    "register": _("Registered"),
    "attach": _("File attached"),
    "sla_escalated": _("SLA escalation"),
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
        photos = request.FILES.getlist("photos")
        if photos:
            from tanjai.complaints.attachments import attachment_add

            # The photos first: a file that is not a photo is refused before the fix is
            # reported, so the technician can send both again together.
            for photo in photos:
                attachment_add(
                    actor=actor_for(request.user),
                    tracking_no=complaint_lookup(tracking_no),
                    upload=photo,
                    kind="after" if action == "report_fixed" else "before",
                    now=timezone.now(),
                )
        complaint_act(
            tracking_no=tracking_no,
            actor=actor_for(request.user),
            action=action,
            data=action_data(action, request.POST),
            expected_version=int(version) if version and version.isdigit() else None,
        )
    except WorkflowError as exc:
        if exc.status == 404:
            raise Http404 from None
        context = _complaint_context(request, tracking_no, error=exc, failed_action=action)
        if request.headers.get("HX-Request"):
            # HTMX swaps only successful answers: the refusal is shown in the fragment.
            return render(request, "complaints/_complaint.html", context)
        return render(request, "complaints/complaint.html", context, status=exc.status)
    if not request.headers.get("HX-Request"):
        from django.shortcuts import redirect

        return redirect("staff-complaint", tracking_no=tracking_no)
    try:
        context = _complaint_context(request, tracking_no)
    except Http404:
        # Forwarded out of this user's scope: done, and no longer theirs to see.
        return render(request, "complaints/_moved.html", {"tracking_no": tracking_no})
    return render(request, "complaints/_complaint.html", context)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Today's intake, open work by state, overdue and due within 24 hours, by category and
    channel; a region or the organisation also per branch."""
    from django.utils.translation import get_language

    from tanjai.complaints.selectors import dashboard_figures
    from tanjai.complaints.workflow import OPEN_STATES, State

    actor = actor_for(request.user)
    figures = dashboard_figures(actor=actor)
    english = (get_language() or "th").startswith("en")

    def name(row: dict, prefix: str) -> str:
        return (
            row[f"{prefix}__name_en"]
            if english and row[f"{prefix}__name_en"]
            else row[f"{prefix}__name_th"]
        )

    charts = {
        "state": {
            "labels": [str(State(s).label) for s in State.values if s in OPEN_STATES],
            "values": [figures["by_state"].get(s, 0) for s in State.values if s in OPEN_STATES],
        },
        "category": {
            "labels": [name(r, "category") for r in figures["by_category"]],
            "values": [r["n"] for r in figures["by_category"]],
        },
        "channel": {
            "labels": [name(r, "channel") for r in figures["by_channel"]],
            "values": [r["n"] for r in figures["by_channel"]],
        },
    }
    branches = [
        {"name": name(r, "branch"), "open": r["n"], "late": r["late"]} for r in figures["by_branch"]
    ]
    return render(
        request,
        "complaints/dashboard.html",
        {
            "totals": figures["totals"],
            "charts": charts,
            "branches": branches if len(branches) > 1 else [],
            "now": timezone.now(),
        },
    )
