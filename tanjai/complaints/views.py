"""Staff pages: thin views over the selectors and the workflow service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.scope import actor_for
from tanjai.complaints.selectors import queue_counts

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
