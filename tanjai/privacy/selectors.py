"""Reads for the data protection officer: what is held about a person, the requests and
their deadlines; and, for the notices, whether a person objected to them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tanjai.channels.models import Conversation, ImportRow, RowOutcome
from tanjai.complaints.models import Complaint
from tanjai.privacy.defaults import DEADLINE_DAYS
from tanjai.privacy.models import (
    OPEN_REQUEST_STATES,
    AnonymisedComplaint,
    DataSubjectRequest,
    NoticeObjection,
    ObjectionKind,
    RequestDeadline,
)
from tanjai.privacy.person import PersonKeys, digits_only, light_normalise, name_normalise


@dataclass
class Match:
    """One thing held about the person, and which of their identifiers found it."""

    obj: Any
    keys: list[str] = field(default_factory=list)


@dataclass
class PersonMatches:
    complaints: list[Match] = field(default_factory=list)
    import_rows: list[Match] = field(default_factory=list)
    conversations: list[Match] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "complaints": len(self.complaints),
            "import_rows": len(self.import_rows),
            "conversations": len(self.conversations),
        }


def request_keys(request: DataSubjectRequest) -> PersonKeys:
    return PersonKeys(
        name=request.subject_name,
        phone=request.subject_phone,
        email=request.subject_email,
        line_user_id=request.subject_line_user_id,
        messenger_id=request.subject_messenger_id,
        account_no=request.subject_account_no,
    )


def _complaint_keys(complaint: Complaint, keys: PersonKeys) -> list[str]:
    found = []
    if keys.phone and keys.phone in (complaint.customer_phone, complaint.customer_phone_alt):
        found.append("phone")
    if keys.email and complaint.customer_email.lower() == keys.email:
        found.append("email")
    if keys.line_user_id and complaint.customer_line_user_id == keys.line_user_id:
        found.append("line_user_id")
    if keys.messenger_id and complaint.customer_messenger_id == keys.messenger_id:
        found.append("messenger_id")
    if keys.account_no and complaint.customer_account_no == keys.account_no:
        found.append("account_no")
    if keys.name and name_normalise(complaint.customer_name) == name_normalise(keys.name):
        found.append("name")
    return found


def person_complaints(*, keys: PersonKeys) -> list[Match]:
    """The complaints whose customer is this person by any identifier: the same phone (main
    or other), e-mail, LINE or Messenger id, account number, or the same name once titles,
    spacing and case are set aside."""
    query = Q()
    if keys.phone:
        query |= Q(customer_phone=keys.phone) | Q(customer_phone_alt=keys.phone)
    if keys.email:
        query |= Q(customer_email__iexact=keys.email)
    if keys.line_user_id:
        query |= Q(customer_line_user_id=keys.line_user_id)
    if keys.messenger_id:
        query |= Q(customer_messenger_id=keys.messenger_id)
    if keys.account_no:
        query |= Q(customer_account_no=keys.account_no)
    if core := name_normalise(keys.name):
        # The database narrows to the name's longest word; the whole name (without title,
        # spacing or case) is compared below.
        query |= Q(customer_name__icontains=max(core.split(" "), key=len))
    if not query:
        return []
    candidates = (
        Complaint.objects.filter(query)
        .select_related("category", "channel", "branch")
        .order_by("received_at", "id")
    )
    matches = []
    for complaint in candidates:
        found = _complaint_keys(complaint, keys)
        if found:
            matches.append(Match(complaint, found))
    return matches


def _value_keys(values: dict[str, Any], keys: PersonKeys) -> list[str]:
    found: set[str] = set()
    for raw in values.values():
        text = light_normalise(str(raw or ""))
        digits = digits_only(text)
        if keys.phone and (keys.phone in digits or "66" + keys.phone[1:] in digits):
            found.add("phone")
        if keys.email and keys.email in text.lower():
            found.add("email")
        if keys.account_no and digits == keys.account_no:
            found.add("account_no")
        if keys.name and name_normalise(text) == name_normalise(keys.name):
            found.add("name")
    return sorted(found)


def person_import_rows(*, keys: PersonKeys) -> list[Match]:
    """Rejected import rows (kept with their values for correction) that name the person.
    Read one by one: the values are the file's own columns, and rejected rows are few and
    kept for a short time (retention)."""
    if not (keys.phone or keys.email or keys.account_no or keys.name):
        return []
    rows = (
        ImportRow.objects.filter(outcome=RowOutcome.REJECTED)
        .exclude(values={})
        .select_related("batch__format")
        .order_by("batch_id", "row_no")
    )
    matches = []
    for row in rows.iterator(chunk_size=500):
        found = _value_keys(row.values, keys)
        if found:
            matches.append(Match(row, found))
    return matches


def person_conversations(*, keys: PersonKeys) -> list[Match]:
    """A chat complaint the person is making (not sent yet) on LINE or Messenger."""
    query = Q()
    if keys.line_user_id:
        query |= Q(provider="line", user_id=keys.line_user_id)
    if keys.messenger_id:
        query |= Q(provider="facebook", user_id=keys.messenger_id)
    if not query:
        return []
    return [
        Match(c, ["line_user_id" if c.provider == "line" else "messenger_id"])
        for c in Conversation.objects.filter(query).order_by("updated_at")
    ]


def person_matches(*, keys: PersonKeys) -> PersonMatches:
    return PersonMatches(
        complaints=person_complaints(keys=keys),
        import_rows=person_import_rows(keys=keys),
        conversations=person_conversations(keys=keys),
    )


def deadline_days(kind: str) -> int:

    rule = RequestDeadline.objects.filter(kind=kind).first()
    return rule.days if rule else DEADLINE_DAYS[kind]


def requests_open() -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.filter(status__in=OPEN_REQUEST_STATES)


def requests_overdue(*, now: datetime | None = None) -> QuerySet[DataSubjectRequest]:
    """Open requests past their deadline (the partial index on due_at serves this)."""
    return requests_open().filter(due_at__lt=now or timezone.now())


def request_overdue(request: DataSubjectRequest, *, now: datetime | None = None) -> bool:
    return request.is_open and request.due_at < (now or timezone.now())


def anonymised_ids(complaint_ids: list[int]) -> set[int]:
    return set(
        AnonymisedComplaint.objects.filter(complaint_id__in=complaint_ids).values_list(
            "complaint_id", flat=True
        )
    )


def objection_values(complaint: Complaint) -> list[tuple[str, str]]:
    """The (kind, value) pairs a notice to this complaint's customer could go to."""
    pairs = [
        (ObjectionKind.PHONE.value, complaint.customer_phone),
        (ObjectionKind.PHONE.value, complaint.customer_phone_alt),
        (ObjectionKind.EMAIL.value, (complaint.customer_email or "").lower()),
        (ObjectionKind.LINE.value, complaint.customer_line_user_id),
        (ObjectionKind.MESSENGER.value, complaint.customer_messenger_id),
    ]
    return [(kind, value) for kind, value in pairs if value]


def notices_objected(*, complaint: Complaint) -> bool:
    """Whether the complaint's customer objected to notices (PDPA section 32), by any of
    the numbers, addresses or ids the notice could use."""
    pairs = objection_values(complaint)
    if not pairs:
        return False
    query = Q()
    for kind, value in pairs:
        query |= Q(kind=kind, value=value)
    return NoticeObjection.objects.filter(query).exists()


_EMAIL_LOCAL = re.compile(r"^(.)[^@]*(@.*)$")


def identifiers_masked(request: DataSubjectRequest) -> dict[str, str]:
    """The identifiers as the log keeps them once an erasure is done: enough to recognise
    the request (the last digits, the first letter, the domain), not to find the person."""
    name = request.subject_name
    return {
        "subject_name": " ".join(p[:1] + "…" for p in name.split()) if name else "",
        "subject_phone": ("…" + request.subject_phone[-4:]) if request.subject_phone else "",
        "subject_email": _EMAIL_LOCAL.sub(r"\1…\2", request.subject_email),
        "subject_line_user_id": (request.subject_line_user_id[:4] + "…")
        if request.subject_line_user_id
        else "",
        "subject_messenger_id": (request.subject_messenger_id[:4] + "…")
        if request.subject_messenger_id
        else "",
        "subject_account_no": ("…" + request.subject_account_no[-3:])
        if request.subject_account_no
        else "",
    }
