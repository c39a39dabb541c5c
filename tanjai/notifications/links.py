"""The addresses notices carry: the public site, and the survey's signed link (step 6),
sent in the closing notice, read out or printed by the centre, and opened on the public
site, which takes one answer per complaint."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tanjai.complaints.models import Complaint

SURVEY_VALID_FOR = timedelta(days=30)
_SALT = "tanjai.portal.survey"


def public_url(path: str) -> str:
    return settings.TANJAI_PUBLIC_URL.rstrip("/") + path


class SurveyClosed(Exception):
    """Answered already, or the link has expired or was altered."""


def survey_token(complaint: Complaint) -> str:
    return signing.dumps({"c": complaint.pk}, salt=_SALT, compress=True)


def survey_url(complaint: Complaint) -> str:
    """The survey's address as the customer opens it (valid SURVEY_VALID_FOR from now): in
    the closing notice, and on the complaint page for the centre to read out, send or print."""
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
