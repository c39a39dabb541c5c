"""The satisfaction survey (step 6): a signed link in the closing notice, one answer per
complaint, the same whether it comes from the web page or a LINE quick reply. A low score
alerts the branch, whose manager may reopen the complaint."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from tanjai.complaints.models import Complaint
from tanjai.complaints.services import satisfaction_record
from tanjai.notifications.links import (  # the signed link, as the closing notice sends it
    SURVEY_VALID_FOR,
    SurveyClosed,
    survey_complaint,
    survey_qr_svg,
    survey_token,
    survey_url,
)
from tanjai.portal.models import SurveyAnswer

__all__ = [
    "SURVEY_VALID_FOR",
    "SurveyClosed",
    "survey_answer",
    "survey_complaint",
    "survey_qr_svg",
    "survey_token",
    "survey_url",
]


def survey_answer(*, complaint: Complaint, score: int, comment: str, channel: str) -> bool:
    """Record the answer; False if the complaint was answered before (nothing changes).
    The score reaches the complaint through the workflow's door, which tells the listeners
    (a low score alerts the branch: notifications)."""

    now = timezone.now()  # the door refuses a score outside 1 to 5, undoing the answer
    try:
        with transaction.atomic():
            SurveyAnswer.objects.create(
                complaint=complaint,
                score=score,
                comment=comment[:2000],
                channel=channel,
                answered_at=now,
            )
            satisfaction_record(
                complaint=complaint, score=score, comment=comment[:2000], channel=channel, now=now
            )
    except IntegrityError:
        return False
    return True
