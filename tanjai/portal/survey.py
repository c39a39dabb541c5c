"""The satisfaction survey (step 6): a signed link in the closing notice, one answer per
complaint, the same whether it comes from the web page or a LINE quick reply. A low score
alerts the branch, whose manager may reopen the complaint."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from tanjai.complaints.models import Complaint

SURVEY_VALID_FOR = timedelta(days=30)
LOW_SCORE = 2
_SALT = "tanjai.portal.survey"


class SurveyClosed(Exception):
    """Answered already, or the link has expired or was altered."""


def survey_token(complaint: Complaint) -> str:
    return signing.dumps({"c": complaint.pk}, salt=_SALT, compress=True)


def survey_url(complaint: Complaint) -> str:
    """The survey's address as the customer opens it (valid SURVEY_VALID_FOR from now): in
    the closing notice, and on the complaint page for the centre to read out, send or print."""
    from django.urls import reverse

    from tanjai.notifications.customer import public_url

    return public_url(reverse("portal-survey", args=[survey_token(complaint)]))


def survey_qr_svg(url: str) -> str:
    """The address as a QR code, inline SVG sized by its viewBox (CSS sets the printed size)."""
    import segno

    return segno.make(url, error="m").svg_inline(omitsize=True, svgclass="qr", border=4)


def survey_complaint(token: str) -> Complaint:
    try:
        data = signing.loads(token, salt=_SALT, max_age=SURVEY_VALID_FOR)
    except signing.SignatureExpired:
        raise SurveyClosed("expired") from None
    except signing.BadSignature:
        raise SurveyClosed("invalid") from None
    complaint = Complaint.objects.filter(pk=data.get("c")).select_related("category").first()
    if complaint is None:
        raise SurveyClosed("invalid")
    return complaint


def survey_answer(*, complaint: Complaint, score: int, comment: str, channel: str) -> bool:
    """Record the answer; False if the complaint was answered before (nothing changes)."""
    from tanjai.accounts.roles import Role
    from tanjai.complaints.services import event_append
    from tanjai.core.text import mask_personal_text
    from tanjai.notifications.services import _staff, notify_users
    from tanjai.portal.models import SurveyAnswer

    if not 1 <= score <= 5:
        raise ValueError("a score is 1 to 5")
    now = timezone.now()
    try:
        with transaction.atomic():
            SurveyAnswer.objects.create(
                complaint=complaint,
                score=score,
                comment=comment[:2000],
                channel=channel,
                answered_at=now,
            )
            # The score counts like one asked on the telephone at closing.
            Complaint.objects.filter(pk=complaint.pk, satisfaction__isnull=True).update(
                satisfaction=score
            )
            event = event_append(
                complaint=complaint,
                actor=None,
                action="survey_answered",
                note=comment[:2000],
                data={"score": score, "channel": channel},
                at=now,
            )
            if score <= LOW_SCORE:
                notify_users(
                    users=_staff(
                        roles=[Role.BRANCH_MANAGER, Role.CENTRE_STAFF],
                        branch_id=complaint.branch_id,
                    ),
                    complaint=complaint,
                    event=event,
                    subject=f"[{complaint.tracking_no}] ความพึงพอใจต่ำ {score}/5 / low satisfaction",
                    body=f"{complaint.tracking_no}: {mask_personal_text(comment[:300])}",
                )
    except IntegrityError:
        return False
    return True
