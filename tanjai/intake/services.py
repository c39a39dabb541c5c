"""Registering a complaint (step 1): every channel comes through complaint_register."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from tanjai.accounts.scope import Actor
from tanjai.complaints.attachments import Upload, attachment_store
from tanjai.complaints.errors import Conflict, Forbidden, InvalidInput
from tanjai.complaints.models import Complaint
from tanjai.complaints.selectors import complaint_visible
from tanjai.complaints.services import complaint_register_event, pydantic_errors
from tanjai.complaints.workflow import REGISTER_ROLES
from tanjai.core.services import tracking_numbers_allocate
from tanjai.core.text import search_document, text_normalise
from tanjai.intake.inputs import RegisterInput
from tanjai.organisation.models import Branch
from tanjai.organisation.selectors import branch_for_place
from tanjai.reference.models import Category, Channel, Subcategory
from tanjai.sla.services import sla_recompute

# How far back a complaint may be dated: cases imported from GCC 1111 and Damrongtham, or
# letters registered late, are often months and sometimes years old; before that, a date
# is a typing mistake (1900, year 1). Ahead: only the skew between two clocks.
BACKDATE_YEARS = 5
CLOCK_SKEW = timedelta(minutes=5)


def _resolve_refs(inp: RegisterInput, actor: Actor) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    channel = Channel.objects.filter(code=inp.channel, active=True).first()
    if channel is None:
        errors["channel"] = [_("No channel %(code)s.") % {"code": repr(inp.channel)}]
    category = Category.objects.filter(code=inp.category, active=True).first()
    if category is None:
        errors["category"] = [_("No category %(code)s.") % {"code": repr(inp.category)}]
    subcategory = None
    if inp.subcategory and category is not None:
        subcategory = Subcategory.objects.filter(
            code=inp.subcategory, category=category, active=True
        ).first()
        if subcategory is None:
            errors["subcategory"] = [
                _("%(sub)s is not a subcategory of %(category)s.")
                % {"sub": repr(inp.subcategory), "category": category.code}
            ]
    branch = None
    if inp.branch:
        branch = (
            Branch.objects.filter(code=inp.branch.lower(), active=True)
            .select_related("region")
            .first()
        )
        if branch is None:
            errors["branch"] = [_("No branch %(code)s.") % {"code": repr(inp.branch)}]
    elif inp.location and inp.location.lat is not None and inp.location.lon is not None:
        branch = branch_for_place(lat=inp.location.lat, lon=inp.location.lon)
    elif actor.branch_id:
        branch = Branch.objects.filter(pk=actor.branch_id).select_related("region").first()
    if branch is None and "branch" not in errors:
        errors["branch"] = [_("Give the branch, or a location with latitude and longitude.")]
    if errors:
        raise InvalidInput(_("The complaint is not valid."), errors=errors)
    return {"channel": channel, "category": category, "subcategory": subcategory, "branch": branch}


def _external_case(*, channel: Channel, ref: str, actor: Actor) -> Complaint | None:
    """The complaint already registered for an outside system's case number, if any.

    Re-importing a case returns it; a case registered in someone else's scope is a
    conflict that names no one's complaint."""

    existing = Complaint.objects.filter(channel=channel, external_ref=ref).first()
    if existing is None:
        return None
    if not complaint_visible(actor=actor, complaint=existing):
        raise Conflict(
            _("Case %(ref)s from %(channel)s is already registered by another unit.")
            % {"ref": ref, "channel": channel.code}
        )
    return existing


def _received_at_check(received_at: datetime, *, now: datetime) -> None:
    if received_at > now + CLOCK_SKEW:
        raise InvalidInput(
            _("The time received is in the future."),
            errors={"received_at": [_("It cannot be in the future.")]},
        )
    # Compared in UTC: a date near year 1 cannot even be moved to Bangkok time.
    if received_at < now - timedelta(days=round(365.25 * BACKDATE_YEARS)):
        message = _("A complaint cannot be dated more than %(years)d years back.") % {
            "years": BACKDATE_YEARS
        }
        raise InvalidInput(
            _("The time received is too far in the past."), errors={"received_at": [message]}
        )


def complaint_register(
    *,
    actor: Actor,
    data: dict[str, Any] | RegisterInput,
    intake_key: str = "",
    uploads: Sequence[Upload] = (),
) -> tuple[Complaint, bool]:
    """Register a complaint; returns (complaint, created).

    `uploads` (file, kind), checked by the caller, are stored with the new complaint in the
    same transaction: a complaint is never kept without the files it came with, nor a file
    without its complaint. A repeated registration stores none again.

    `intake_key` (an Idempotency-Key, a provider's message id) makes a redelivered request
    return the complaint it created the first time instead of a second one.
    """
    if not actor.has_any(REGISTER_ROLES):
        raise Forbidden(_("Your role does not allow registering complaints."))
    try:
        inp = data if isinstance(data, RegisterInput) else RegisterInput.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(_("The complaint is not valid."), errors=pydantic_errors(exc)) from None
    now = timezone.now()
    received_at = inp.received_at or now
    _received_at_check(received_at, now=now)
    key = f"{actor.user_id or actor.username}:{intake_key}" if intake_key else ""
    if len(key) > 200:  # a long Message-ID or provider id: its digest, which fits the column
        key = f"{actor.user_id or actor.username}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    if key and (existing := Complaint.objects.filter(intake_key=key).first()):
        return existing, False
    refs = _resolve_refs(inp, actor)
    branch: Branch = refs["branch"]
    if not actor.covers(region_id=branch.region_id, branch_id=branch.pk):
        raise Forbidden(_("Branch %(code)s is outside your scope.") % {"code": branch.code})
    if inp.external_ref:
        existing = _external_case(channel=refs["channel"], ref=inp.external_ref, actor=actor)
        if existing:
            return existing, False
    customer = inp.customer if inp.customer and not inp.anonymous else None
    location = inp.location
    try:
        with transaction.atomic():
            (number,) = tracking_numbers_allocate(at=received_at)
            complaint = Complaint(
                tracking_no=number,
                channel=refs["channel"],
                category=refs["category"],
                subcategory=refs["subcategory"],
                priority=inp.priority,
                description=inp.description,
                address=text_normalise(location.address) if location else "",
                province=location.province if location else "",
                district=location.district if location else "",
                lat=location.lat if location else None,
                lon=location.lon if location else None,
                anonymous=inp.anonymous,
                customer_name=customer.name if customer else "",
                customer_phone=customer.phone if customer else "",
                customer_phone_alt=customer.alt_phone if customer else "",
                customer_email=customer.email if customer else "",
                customer_line_user_id=customer.line_user_id if customer else "",
                customer_messenger_id=customer.messenger_id if customer else "",
                customer_account_no=customer.account_no if customer else "",
                branch=branch,
                region_id=branch.region_id,
                external_ref=inp.external_ref,
                intake_key=key,
                registered_by_id=actor.user_id,
                received_at=received_at,
            )
            # The house address is personal data: not in the search words (staff find a
            # customer by phone or account number instead).
            complaint.search_document = search_document(
                inp.description, complaint.district, complaint.province
            )
            sla_recompute(complaint, now=now)
            complaint.save()
            complaint_register_event(
                complaint=complaint,
                actor=actor,
                data={"channel": inp.channel, "category": inp.category, "branch": branch.code},
            )
            for upload, kind in uploads:
                attachment_store(
                    complaint=complaint, actor=actor, upload=upload, kind=kind, now=now
                )
    except IntegrityError:
        # The same key or external case number was registered concurrently.
        if key and (existing := Complaint.objects.filter(intake_key=key).first()):
            return existing, False
        if inp.external_ref and (
            existing := _external_case(channel=refs["channel"], ref=inp.external_ref, actor=actor)
        ):
            return existing, False
        raise Conflict(
            _("The complaint was registered twice at the same moment; reload the page.")
        ) from None
    return complaint, True
