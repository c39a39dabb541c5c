"""Data-subject requests (PDPA sections 30–36), handled by the data protection officer:
received with a deadline, the person's data looked up, the matches confirmed, then carried
out (a copy, a rectification, an erasure, an objection to notices) or refused. Each step is
appended to the request's log, in the same transaction as what it records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
from tanjai.accounts.services import personal_data_access_log
from tanjai.complaints.errors import Conflict, Forbidden, InvalidInput
from tanjai.complaints.models import Complaint
from tanjai.notifications.models import Notification, NotificationStatus
from tanjai.privacy.anonymise import (
    complaint_anonymise,
    complaint_scrubber,
    conversation_forget,
    import_row_anonymise,
)
from tanjai.privacy.export import copy_build
from tanjai.privacy.models import (
    DataSubjectRequest,
    NoticeObjection,
    ObjectionKind,
    RequestKind,
    RequestStatus,
    RequestStep,
    StepKind,
)
from tanjai.privacy.person import PersonKeys, phone_normalise
from tanjai.privacy.selectors import (
    PersonMatches,
    anonymised_ids,
    deadline_days,
    identifiers_masked,
    objection_values,
    person_matches,
    request_keys,
)

DPO_ROLES = frozenset({Role.DPO})
# What a rectification may correct, on the complaints confirmed as the person's.
CORRECTABLE = {
    "name": "customer_name",
    "phone": "customer_phone",
    "phone_alt": "customer_phone_alt",
    "email": "customer_email",
    "address": "address",
}


def dpo_required(actor: Actor) -> int:
    """Only the data protection officer, signed in (their user id is returned): not even an
    administrator, who has no need to read everything held about a person or to erase it."""
    if Role.DPO not in actor.roles or actor.user_id is None:
        raise Forbidden(_("Only the data protection officer handles personal-data requests."))
    return actor.user_id


def _step(
    request: DataSubjectRequest, *, actor: Actor, step: str, now: datetime, **detail: Any
) -> RequestStep:
    return RequestStep.objects.create(
        request=request,
        at=now,
        actor_id=actor.user_id,
        actor_label=actor.username,
        step=step,
        detail=detail,
    )


def corrections_clean(raw: dict[str, str]) -> dict[str, str]:
    """The corrected values, as intake would store them; InvalidInput names a bad one."""
    clean: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        value = (value or "").strip()
        if key not in CORRECTABLE or not value:
            continue
        if key in ("phone", "phone_alt"):
            value = phone_normalise(value)
            if not value:
                errors[key] = [_("A Thai phone number has 9 or 10 digits starting with 0.")]
                continue
        if key == "email":
            try:
                validate_email(value)
            except DjangoValidationError:
                errors[key] = [_("Not a valid e-mail address.")]
                continue
            value = value.lower()
        clean[key] = value[:200] if key != "address" else value[:1000]
    if errors:
        raise InvalidInput(_("Some corrections are not valid."), errors=errors)
    return clean


def request_create(
    *,
    actor: Actor,
    kind: str,
    keys: PersonKeys,
    received_at: datetime | None = None,
    corrections: dict[str, str] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Record a request as received; its deadline is counted from its receipt."""
    user_id = dpo_required(actor)
    now = now or timezone.now()
    received_at = received_at or now
    errors: dict[str, list[str]] = {}
    if kind not in RequestKind.values:
        errors["kind"] = [_("Choose one of the options.")]
    if keys.is_empty():
        errors["person"] = [_("Give at least one way to find the person.")]
    if received_at > now:
        errors["received_at"] = [_("It cannot be in the future.")]
    clean = corrections_clean(corrections or {})
    if kind == RequestKind.RECTIFY and not clean and "kind" not in errors:
        errors["corrections"] = [_("Give at least one corrected value.")]
    if errors:
        raise InvalidInput(_("The request is not complete."), errors=errors)
    with transaction.atomic():
        request = DataSubjectRequest.objects.create(
            kind=kind,
            received_at=received_at,
            due_at=received_at + timedelta(days=deadline_days(kind)),
            subject_name=keys.name,
            subject_phone=keys.phone,
            subject_email=keys.email,
            subject_line_user_id=keys.line_user_id,
            subject_messenger_id=keys.messenger_id,
            subject_account_no=keys.account_no,
            corrections=clean if kind == RequestKind.RECTIFY else {},
            note=note.strip(),
            created_by_id=user_id,
        )
        given = [name for name, value in vars(keys).items() if value]
        _step(request, actor=actor, step=StepKind.RECEIVED, now=now, identifiers=given)
    return request


def request_preview(
    *, actor: Actor, request: DataSubjectRequest, now: datetime | None = None
) -> PersonMatches:
    """What is held about the person: shown to the officer, so logged (the request's log,
    and the personal-data access log of each complaint)."""

    user_id = dpo_required(actor)
    now = now or timezone.now()
    matches = person_matches(keys=request_keys(request))
    with transaction.atomic():
        _step(
            request,
            actor=actor,
            step=StepKind.PREVIEWED,
            now=now,
            counts=matches.counts(),
            complaints=[m.obj.tracking_no for m in matches.complaints],
        )
        for match in matches.complaints:
            personal_data_access_log(
                user_id=user_id, complaint_id=match.obj.pk, via="privacy", purpose=request.number
            )
    return matches


def _locked(request: DataSubjectRequest) -> DataSubjectRequest:
    return DataSubjectRequest.objects.select_for_update().get(pk=request.pk)


def request_confirm(
    *,
    actor: Actor,
    request: DataSubjectRequest,
    complaint_ids: Sequence[int],
    import_row_ids: Sequence[int] = (),
    conversation_ids: Sequence[int] = (),
    now: datetime | None = None,
) -> DataSubjectRequest:
    """The officer confirms which of the matches are this person's (a namesake is not).
    Only what the look-up found may be confirmed."""
    dpo_required(actor)
    now = now or timezone.now()
    matches = person_matches(keys=request_keys(request))
    found = {
        "complaints": {m.obj.pk for m in matches.complaints},
        "import_rows": {m.obj.pk for m in matches.import_rows},
        "conversations": {m.obj.pk for m in matches.conversations},
    }
    chosen = {
        "complaints": set(complaint_ids),
        "import_rows": set(import_row_ids),
        "conversations": set(conversation_ids),
    }
    strays = {k: sorted(chosen[k] - found[k]) for k in chosen if chosen[k] - found[k]}
    if strays:
        raise InvalidInput(
            _("Some of what was ticked does not match the person."),
            errors={k: [_("Not among the matches.")] for k in strays},
        )
    if not any(chosen.values()) and any(found.values()):
        # Nothing ticked is an answer only when nothing was found ("we hold nothing").
        raise InvalidInput(
            _("Tick what is this person's."), errors={"complaints": [_("Choose at least one.")]}
        )
    with transaction.atomic():
        request = _locked(request)
        if not request.is_open:
            raise Conflict(_("The request is already closed."))
        request.complaints.set(chosen["complaints"])
        request.import_rows.set(chosen["import_rows"])
        request.conversations.set(chosen["conversations"])
        request.status = RequestStatus.CONFIRMED
        request.save(update_fields=["status"])
        numbers = Complaint.objects.filter(pk__in=chosen["complaints"]).order_by("received_at")
        _step(
            request,
            actor=actor,
            step=StepKind.CONFIRMED,
            now=now,
            counts={k: len(v) for k, v in chosen.items()},
            complaints=list(numbers.values_list("tracking_no", flat=True)),
        )
    return request


def request_copy(
    *, actor: Actor, request: DataSubjectRequest, now: datetime | None = None
) -> tuple[str, bytes]:
    """The copy of the person's data, as a ZIP (see privacy.export), and its log step with
    the file's SHA-256, so what was handed over can be recognised later."""
    import hashlib

    dpo_required(actor)
    now = now or timezone.now()
    request = DataSubjectRequest.objects.get(pk=request.pk)  # as it is now
    if request.kind != RequestKind.ACCESS or request.status not in (
        RequestStatus.CONFIRMED,
        RequestStatus.DONE,
    ):
        raise Conflict(
            _("A copy is made for a request for a copy, once its matches are confirmed.")
        )
    content, counts = copy_build(request=request, now=now)
    with transaction.atomic():
        _step(
            request,
            actor=actor,
            step=StepKind.COPY_MADE,
            now=now,
            sha256=hashlib.sha256(content).hexdigest(),
            bytes=len(content),
            counts=counts,
        )
    return f"{request.number}-{timezone.localtime(now):%Y%m%d}.zip", content


def _rectify(request: DataSubjectRequest, *, now: datetime) -> dict[str, Any]:

    ids = list(request.complaints.values_list("pk", flat=True))
    skipped = anonymised_ids(ids)
    changed: dict[str, list[str]] = {}
    for complaint in Complaint.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if complaint.pk in skipped:
            continue
        fields = []
        for key, value in request.corrections.items():
            column = CORRECTABLE[key]
            if getattr(complaint, column) != value:
                setattr(complaint, column, value)
                fields.append(column)
        if fields:
            complaint.version += 1
            complaint.save(update_fields=[*fields, "version", "updated_at"])
            changed[complaint.tracking_no] = fields
    return {"corrected": changed, "unchanged": len(ids) - len(changed)}


def _erase(request: DataSubjectRequest, *, now: datetime) -> dict[str, Any]:
    keys = request_keys(request)
    counts = {"complaints": 0, "already": 0, "events": 0, "documents": 0, "photos": 0}
    scrub = complaint_scrubber(Complaint(), keys)
    for complaint in request.complaints.order_by("pk"):
        scrub.add(
            names=[complaint.customer_name],
            phones=[complaint.customer_phone, complaint.customer_phone_alt],
            numbers=[complaint.customer_account_no],
            literals=[complaint.customer_email],
        )
        done = complaint_anonymise(complaint_id=complaint.pk, now=now, request=request, keys=keys)
        if done is None:
            counts["already"] += 1
            continue
        counts["complaints"] += 1
        for key in ("events", "documents", "photos"):
            counts[key] += done[key]
    rows = list(request.import_rows.all())
    for row in rows:
        import_row_anonymise(row, scrub)
    conversations = list(request.conversations.all())
    for conversation in conversations:
        conversation_forget(conversation)
    counts["import_rows"], counts["conversations"] = len(rows), len(conversations)
    # The request itself keeps only enough to be recognised: its log must not be the one
    # place left that still says who the person is.
    masked = identifiers_masked(request)
    DataSubjectRequest.objects.filter(pk=request.pk).update(**masked, corrections={})
    return counts


def _object(request: DataSubjectRequest, *, now: datetime) -> dict[str, Any]:
    keys = request_keys(request)
    pairs = {
        (ObjectionKind.PHONE.value, keys.phone),
        (ObjectionKind.EMAIL.value, keys.email),
        (ObjectionKind.LINE.value, keys.line_user_id),
        (ObjectionKind.MESSENGER.value, keys.messenger_id),
    }
    for complaint in request.complaints.all():
        pairs.update(objection_values(complaint))
    pairs = {(kind, value) for kind, value in pairs if value}
    for kind, value in sorted(pairs):
        NoticeObjection.objects.get_or_create(kind=kind, value=value, defaults={"request": request})
    # Notices already waiting (to send, or to read out on the telephone) are not sent.
    reach = models.Q(pk__in=request.complaints.values("pk"))
    for kind, value in pairs:
        if kind == ObjectionKind.PHONE:
            reach |= models.Q(customer_phone=value) | models.Q(customer_phone_alt=value)
        elif kind == ObjectionKind.EMAIL:
            reach |= models.Q(customer_email__iexact=value)
        elif kind == ObjectionKind.LINE:
            reach |= models.Q(customer_line_user_id=value)
        else:
            reach |= models.Q(customer_messenger_id=value)
    withdrawn = Notification.objects.filter(
        to_customer=True,
        status__in=[NotificationStatus.PENDING, NotificationStatus.TO_TELL],
        complaint__in=Complaint.objects.filter(reach),
    ).update(
        status=NotificationStatus.FAILED,
        last_error=f"not sent: the customer objected to notices ({request.number})",
        next_attempt_at=None,
    )
    return {"objections": len(pairs), "notices_withdrawn": withdrawn}


CARRY_OUT = {
    RequestKind.RECTIFY: _rectify,
    RequestKind.ERASE: _erase,
    RequestKind.OBJECT: _object,
}


def request_carry_out(
    *, actor: Actor, request: DataSubjectRequest, now: datetime | None = None
) -> dict[str, Any]:
    """Do what the person asked, on what was confirmed as theirs, all in one transaction
    with the request's row locked: a second officer pressing the same button gets a
    Conflict, never a second erasure. For a copy, the copy must have been made."""
    dpo_required(actor)
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked(request)
        if request.status != RequestStatus.CONFIRMED:
            raise Conflict(_("Confirm the matches first, or the request is already closed."))
        if request.kind == RequestKind.ACCESS:
            made = request.steps.filter(step=StepKind.COPY_MADE).order_by("-at").first()
            if made is None:
                raise Conflict(_("Download the copy before marking it as sent."))
            result: dict[str, Any] = {"sha256": made.detail.get("sha256", "")}
        else:
            result = CARRY_OUT[RequestKind(request.kind)](request, now=now)
        DataSubjectRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.DONE, completed_at=now
        )
        _step(request, actor=actor, step=StepKind.CARRIED_OUT, now=now, **result)
    request.refresh_from_db()
    return result


def request_refuse(
    *, actor: Actor, request: DataSubjectRequest, reason: str, now: datetime | None = None
) -> DataSubjectRequest:
    """Close a request without doing it (PDPA allows this, e.g. for data PWA must keep for
    its public task); the reason is told to the person and kept."""
    dpo_required(actor)
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("Say why the request is refused."), errors={"reason": [_("This field is required.")]}
        )
    with transaction.atomic():
        request = _locked(request)
        if not request.is_open:
            raise Conflict(_("The request is already closed."))
        request.status = RequestStatus.REFUSED
        request.refusal_reason = reason
        request.completed_at = now
        request.save(update_fields=["status", "refusal_reason", "completed_at"])
        _step(request, actor=actor, step=StepKind.REFUSED, now=now)
    return request
