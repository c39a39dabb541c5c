"""What notifications ask of the apps above them, without importing them.

``notices_refused_asked`` (sent with ``complaint``): whether the customer has refused
notices about this complaint (PDPA: the right to object). The privacy app answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from tanjai.complaints.models import Complaint

notices_refused_asked = Signal()


def notices_refused(*, complaint: Complaint) -> bool:
    answers = notices_refused_asked.send(sender=None, complaint=complaint)
    return any(answer for _receiver, answer in answers)
