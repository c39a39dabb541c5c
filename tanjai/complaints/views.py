"""Staff pages: thin views over the selectors and the workflow service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.scope import actor_for
from tanjai.complaints.forms import QueueFilterForm
from tanjai.complaints.selectors import (
    ComplaintFilters,
    complaint_list,
    identity_visible,
    queue_counts,
    queue_filter,
    sla_badge,
)
from tanjai.core.text import mask_personal_text

QUEUES = [
    ("to_forward", _("New, to forward")),
    ("to_dispatch", _("To dispatch")),
    ("to_inform", _("Customer to inform (24 h)")),
    ("to_verify", _("Fixed, to verify")),
    ("to_close", _("Verified, to close")),
    ("overdue", _("Overdue")),
]


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The day's work at a glance: how many complaints wait in each queue of one's scope."""
    counts = queue_counts(actor=actor_for(request.user))
    return render(
        request,
        "complaints/staff_home.html",
        {"queues": [(code, label, counts[code]) for code, label in QUEUES], "now": timezone.now()},
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
        .filter(queue_filter(name, now=now))
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
