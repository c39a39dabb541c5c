"""The staff's work lists: the home page's queues, each queue with its filters and bulk
actions, and the dashboard. Thin views over the selectors and the workflow service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor, actor_for
from tanjai.complaints.action_forms import FIELD_LABELS, action_data, bulk_fields, error_items
from tanjai.complaints.errors import WorkflowError
from tanjai.complaints.forms import QueueFilterForm
from tanjai.complaints.selectors import (
    complaint_list,
    dashboard_figures,
    identity_visible,
    queue_counts,
    queue_filter,
    sla_badge,
)
from tanjai.complaints.services import action_input_parse, complaint_act
from tanjai.complaints.workflow import ACTIONS, OPEN_STATES, REGISTER_ROLES, ActionCode, State
from tanjai.core.text import mask_personal_text
from tanjai.notifications.selectors import TELEPHONE_ROLES, telephone_tasks
from tanjai.notifications.transports import sms_backend

QUEUES = [
    ("to_forward", gettext_lazy("New, to forward")),
    ("to_dispatch", gettext_lazy("To dispatch")),
    ("to_inform", gettext_lazy("Customer to inform (24 h)")),
    ("to_verify", gettext_lazy("Fixed, to verify")),
    ("to_close", gettext_lazy("Verified, to close")),
    ("overdue", gettext_lazy("Overdue")),
    ("my_jobs", gettext_lazy("My work orders")),
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
        {
            "queues": [(code, label, counts[code]) for code, label in shown],
            "now": timezone.now(),
            "can_import": actor.has_any(REGISTER_ROLES),
            # Notices no channel could send: the centre reads them out on the telephone.
            "telephone_tasks": telephone_tasks(actor=actor).count()
            if actor.has_any(TELEPHONE_ROLES)
            else None,
            "local_sms_outbox": actor.is_admin and sms_backend() == "local",
        },
    )


@login_required
def queue(request: HttpRequest, name: str) -> HttpResponse:
    """One work queue of the actor's scope, filtered and sorted; HTMX swaps the rows only."""
    labels = dict(QUEUES)
    if name not in labels:
        raise Http404
    actor = actor_for(request.user)
    now = timezone.now()
    data: QueryDict
    if request.method == "POST":
        data = request.POST
    else:
        # The search comes by POST only: a phone number typed there stays out of URLs.
        data = request.GET.copy()
        data.pop("q", None)
    form = QueueFilterForm(data or None, actor=actor, queue=name)
    order = form.value("order") or "resolve_due_at"
    complaints = (
        complaint_list(actor=actor, filters=form.filters(), now=now)
        .filter(queue_filter(name, now=now, actor=actor))
        .order_by(order, "id")
    )
    page = Paginator(complaints, 25).get_page(data.get("page"))
    rows = [
        {
            "complaint": c,
            "description": c.description
            if identity_visible(actor=actor, complaint=c)
            else mask_personal_text(c.description, names=[c.customer_name]),
            "badge": sla_badge(c.resolve_due_at, now=now, is_open=c.is_open),
        }
        for c in page
    ]
    context = {
        "name": name,
        "label": labels[name],
        "form": form,
        "page": page,
        "rows": rows,
        "bulk": _bulk_form(name, actor) if rows else None,
        "filters_in_use": form.in_use(),
        "filter_values": [
            (key, value)
            for key in data
            if key not in ("page", "csrfmiddlewaretoken")
            for value in data.getlist(key)
        ],
        "filters_dropped": form.dropped(),
        "partial": bool(request.headers.get("HX-Request")),
    }
    template = "complaints/_queue_rows.html" if context["partial"] else "complaints/queue.html"
    return render(request, template, context)


# Queues whose complaints are often handled many at once, and the action for it.
BULK_ACTIONS = {"to_forward": ActionCode.FORWARD, "to_dispatch": ActionCode.DISPATCH}


def _bulk_form(name: str, actor: Actor) -> dict[str, Any] | None:
    """The bulk action of a queue, if the actor may take it: its label and fields."""

    action = BULK_ACTIONS.get(name)
    if action is None or not actor.has_any(ACTIONS[action].roles):
        return None
    if action == ActionCode.DISPATCH and actor.branch_id is None:
        return None  # technicians are chosen per branch
    return {
        "action": action,
        "label": ACTIONS[action].label,
        "fields": bulk_fields(action, actor),
        "labels": FIELD_LABELS,
    }


@login_required
def queue_bulk(request: HttpRequest, name: str) -> HttpResponse:
    """Forward or dispatch the chosen complaints of a queue in one go, each through the
    workflow service: one refusal (someone else acted first, a wrong state) is reported
    with its reason and does not stop the others."""
    from django.contrib import messages

    if request.method != "POST" or name not in BULK_ACTIONS:
        raise Http404
    actor = actor_for(request.user)
    action = BULK_ACTIONS[name]
    if not actor.has_any(ACTIONS[action].roles):
        raise PermissionDenied
    numbers = list(dict.fromkeys(request.POST.getlist("numbers")))[:100]
    data = action_data(action, request.POST)
    back = redirect(f"{reverse('staff-queue', args=[name])}?{request.GET.urlencode()}")
    try:
        # The shared fields once, before any complaint: one message, not one per complaint.
        action_input_parse(action, data)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        for label, message in error_items(exc):
            messages.error(request, f"{label}: {message}" if label else message)
        return back
    if not numbers:
        messages.warning(request, _("Choose the complaints first."))
        return back
    done, refused = [], []
    for number in numbers:
        try:
            complaint_act(tracking_no=number, actor=actor, action=action, data=data)
        except WorkflowError as exc:
            details = [f"{label}: {m}" if label else m for label, m in error_items(exc)]
            refused.append(f"{number}: " + " ".join([exc.message, *details]))
        else:
            done.append(number)
    if done:
        messages.success(
            request,
            _("%(action)s: done for %(n)d complaints (%(numbers)s).")
            % {"action": ACTIONS[action].label, "n": len(done), "numbers": ", ".join(done)},
        )
    for line in refused:
        messages.error(request, line)
    return back


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Today's intake, open work by state, overdue and due within 24 hours, by category and
    channel; a region or the organisation also per branch."""
    from django.utils.translation import get_language

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
