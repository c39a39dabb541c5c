"""The public portal: a citizen's complaint in through the one intake service, and what a
citizen may see of it afterwards."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
from tanjai.complaints.attachments import attachment_add, attachments_check
from tanjai.complaints.errors import InvalidInput
from tanjai.complaints.models import AttachmentKind, Complaint
from tanjai.complaints.workflow import ActionCode
from tanjai.core.dates import format_date
from tanjai.core.ratelimit import Limit, address_key, rate_exceeded, rate_hit
from tanjai.core.text import THAI_DIGITS, mask_personal_text
from tanjai.core.tracking import TrackingNumberError, tracking_normalise
from tanjai.intake.inputs import phone_normalise
from tanjai.intake.services import complaint_register
from tanjai.portal.models import TrackingCode

# The portal registers complaints as a channel officer of the whole organisation would.
PORTAL_ACTOR = Actor(
    user_id=None,
    username="portal",
    roles=frozenset({Role.CHANNEL_OFFICER}),
    scope_level="org",
    region_id=None,
    branch_id=None,
)
CHANNEL = "website"
MAX_PHOTOS = 3

# Per address, generous: mobile carriers put many people behind one address. The limits
# per phone number and e-mail address (normalised) are what keep a flood off a person.
SUBMIT_PER_ADDRESS = Limit("portal_submit_addr", 30, timedelta(hours=1))
SUBMIT_PER_PHONE = Limit("portal_submit_phone", 3, timedelta(hours=1))
SUBMIT_PER_EMAIL = Limit("portal_submit_email", 3, timedelta(hours=1))
TRACK_PER_ADDRESS = Limit("portal_track_addr", 20, timedelta(minutes=15))
TRACK_PER_NUMBER = Limit("portal_track_number", 10, timedelta(hours=1))


class Refused(Exception):
    """A submission or a lookup the portal will not take now (too many, say)."""


def _phone_or_empty(value: str) -> str:

    try:
        return phone_normalise(value) if value else ""
    except ValueError:
        return ""  # intake refuses it with its reason


def _code_for(submission: str) -> str:
    """An 8-character tracking code (40 bits), the same for the same submission."""
    import base64

    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"portal-code:{submission}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest[:5]).decode()


def _code_hash(number: str, code: str) -> str:
    message = f"{number}:{code.strip().upper()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass
class Receipt:
    complaint: Complaint
    created: bool
    code: str = ""  # for a complaint without a phone: the code to track it with


def portal_submit(
    *,
    data: dict[str, Any],
    photos: Sequence[IO[bytes]],
    submission: str,
    address: str,
) -> Receipt:
    """Register a complaint from the portal. Raises Refused when over a rate limit, and the
    intake's InvalidInput when the complaint or a photo is not valid (nothing stored)."""

    key = f"portal:{submission}"
    existing = Complaint.objects.filter(intake_key=f"{PORTAL_ACTOR.username}:{key}").first()
    if existing is not None:  # the same form sent twice: the first complaint
        code = "" if existing.customer_phone else _code_for(submission)
        return Receipt(existing, created=False, code=code)
    if not rate_hit(SUBMIT_PER_ADDRESS, address_key(address)):
        raise Refused(_("Too many complaints from this connection. Please try again later."))
    customer = data.get("customer") or {}
    phone = _phone_or_empty(customer.get("phone", ""))
    if phone and not rate_hit(SUBMIT_PER_PHONE, phone):
        raise Refused(_("Too many complaints with this phone number. Please call 1662."))
    email = str(customer.get("email", "")).strip().lower()
    if email and not rate_hit(SUBMIT_PER_EMAIL, email):
        raise Refused(_("Too many complaints with this e-mail address. Please call 1662."))
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(
            str(_("At most %(n)d photos.")) % {"n": MAX_PHOTOS},
            errors={"photos": [str(_("Too many."))]},
        )
    attachments_check(photos, kind=AttachmentKind.PHOTO_BEFORE)
    with transaction.atomic():
        complaint, created = complaint_register(
            actor=PORTAL_ACTOR, data={**data, "channel": CHANNEL}, intake_key=key
        )
        code = ""
        if not complaint.customer_phone:
            # Derived from the submission: the same form sent twice shows the same code.
            code = _code_for(submission)
            if created:
                TrackingCode.objects.create(
                    complaint=complaint, code_hash=_code_hash(complaint.tracking_no, code)
                )
        if created:
            # Photos about staff conduct may show who made the complaint.
            restricted = complaint.category.restricted_identity
            for photo in photos:
                attachment_add(
                    actor=PORTAL_ACTOR,
                    tracking_no=complaint.tracking_no,
                    upload=photo,
                    kind=AttachmentKind.DOCUMENT if restricted else AttachmentKind.PHOTO_BEFORE,
                    now=timezone.now(),
                )
    return Receipt(complaint, created=created, code=code)


def public_lookup(*, number: str, secret: str, address: str) -> Complaint | None:
    """The complaint whose maker this is: the tracking number and the last 4 digits of the
    phone given (or the receipt's code). A wrong number and a wrong secret look the same."""

    if not rate_hit(TRACK_PER_ADDRESS, address_key(address)):
        raise Refused(_("Too many tries. Please wait 15 minutes and try again."))
    try:
        number = tracking_normalise(number)
    except TrackingNumberError:
        return None
    if rate_exceeded(TRACK_PER_NUMBER, number):
        # Only wrong answers count: the owner is locked out only by someone guessing.
        raise Refused(_("Too many tries for this number. Please try again in an hour."))
    complaint = Complaint.objects.filter(tracking_no=number).select_related("category").first()
    secret = "".join(secret.split()).translate(THAI_DIGITS)
    if complaint is None or not secret:
        rate_hit(TRACK_PER_NUMBER, number)
        return None
    if complaint.customer_phone:
        matches = len(secret) == 4 and hmac.compare_digest(complaint.customer_phone[-4:], secret)
    else:
        stored = getattr(getattr(complaint, "tracking_code", None), "code_hash", "")
        matches = bool(stored) and hmac.compare_digest(stored, _code_hash(number, secret))
    if not matches:
        rate_hit(TRACK_PER_NUMBER, number)
        return None
    return complaint


@dataclass
class PublicStep:
    at: datetime
    label: Any
    detail: str = ""


def public_timeline(complaint: Complaint) -> list[PublicStep]:

    steps = []
    for event in complaint.events.all():
        # What the public reads of each step is defined with the codes; an unknown code
        # is an error, not a step left out.
        label = ActionCode(event.action).public_label
        if label is None:
            continue
        detail = ""
        if event.action == ActionCode.INFORM_CUSTOMER:
            # What was told to the customer is theirs to read again, phone numbers masked.
            promised = event.data.get("promised_at")
            detail = mask_personal_text(event.data.get("plan", ""))
            if promised:
                detail += (
                    " · "
                    + str(_("by"))
                    + " "
                    + format_date(datetime.fromisoformat(promised), language=get_language() or "th")
                )
        elif event.action == ActionCode.MARK_DUPLICATE:
            detail = event.data.get("of", "")
        elif event.action == ActionCode.TRANSFER_OUT:
            detail = event.data.get("agency", "")
        steps.append(PublicStep(event.at, label, detail))
    return steps


PUBLIC_STATES = {
    "received": _("Received, waiting to be handled"),
    "forwarded": _("With the responsible team"),
    "in_progress": _("Being fixed"),
    "awaiting_customer": _("Waiting for you"),
    "fixed": _("Fixed, being checked"),
    "verified": _("Fixed, being checked"),
    "closed": _("Closed"),
    "duplicate": _("Joined to another report"),
    "not_relevant": _("Not a matter for PWA"),
    "transferred": _("Passed to another agency"),
}


def public_state(complaint: Complaint) -> Any:
    """A complaint's state as its maker reads it."""
    return PUBLIC_STATES.get(complaint.status, complaint.status)
