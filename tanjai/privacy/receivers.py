"""The privacy app answers notifications: a customer who objected gets no notices."""

from __future__ import annotations

from typing import Any

from tanjai.complaints.models import Complaint
from tanjai.notifications.signals import notices_refused_asked
from tanjai.privacy.selectors import notices_objected


def on_notices_refused_asked(*, complaint: Complaint, **_kwargs: Any) -> bool:
    return notices_objected(complaint=complaint)


def connect() -> None:
    notices_refused_asked.connect(on_notices_refused_asked, dispatch_uid="privacy.notices")
