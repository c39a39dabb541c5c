"""Retention: each kind of personal data is kept for its period (RetentionRule, data), then
anonymised or deleted by a daily job. A complaint is anonymised exactly as an erasure does
it (privacy.anonymise), so the statistics stay. A dry run counts what would be touched and
writes nothing.

Some channels forget sooner by themselves (an unsent chat after 24 hours, message ids after
30 days, rejected rows' values after 90 days): the periods here are the upper bound, as data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from tanjai.accounts.models import PersonalDataAccess
from tanjai.channels.models import Conversation, EmailThread, ImportRow, InboundMessage, RowOutcome
from tanjai.complaints.models import Complaint
from tanjai.complaints.workflow import OPEN_STATES
from tanjai.notifications.models import LocalSms, Notification, NotificationStatus
from tanjai.privacy.anonymise import complaint_anonymise, conversation_forget, import_row_anonymise
from tanjai.privacy.defaults import RETENTION_DEFAULTS
from tanjai.privacy.models import AnonymisedComplaint, RetentionKind, RetentionRule, RetentionRun
from tanjai.privacy.person import Scrubber

logger = logging.getLogger(__name__)
BATCH = 500
FAILED = -1  # a kind whose run failed (logged), in a run's counts


def retention_days() -> dict[str, int]:
    """Each kind's period: the admin's rows, else the defaults (read only: a dry run seeds
    nothing)."""
    days = {kind.value: value for kind, value, _note in RETENTION_DEFAULTS}
    days.update(RetentionRule.objects.values_list("kind", "days"))
    return days


def _complaints(cutoff: datetime) -> QuerySet[Complaint]:
    return (
        Complaint.objects.exclude(status__in=sorted(OPEN_STATES))
        .filter(ended_at__lt=cutoff)
        .exclude(pk__in=AnonymisedComplaint.objects.values("complaint_id"))
    )


def _notices(cutoff: datetime) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(to_customer=True, created_at__lt=cutoff)
        .exclude(status__in=[NotificationStatus.PENDING, NotificationStatus.TO_TELL])
        .filter(~Q(body="") | ~Q(address="") | ~Q(subject=""))
    )


def _email_threads(cutoff: datetime) -> QuerySet[EmailThread]:
    return EmailThread.objects.exclude(complaint__status__in=sorted(OPEN_STATES)).filter(
        complaint__ended_at__lt=cutoff
    )


def _rejected_rows(cutoff: datetime) -> QuerySet[ImportRow]:
    return (
        ImportRow.objects.filter(outcome=RowOutcome.REJECTED)
        .annotate(done_at=Coalesce("batch__finished_at", "batch__created_at"))
        .filter(done_at__lt=cutoff)
        .exclude(values={})
    )


@dataclass(frozen=True)
class KindPlan:
    kind: str
    days: int
    cutoff: datetime
    count: int


def retention_plan(*, now: datetime | None = None) -> list[KindPlan]:
    """What is past its period, per kind, counted: the dry run's answer."""
    now = now or timezone.now()
    days = retention_days()

    def cutoff(kind: str) -> datetime:
        return now - timedelta(days=days[kind])

    counts = {
        RetentionKind.COMPLAINT_PERSONAL: _complaints(cutoff(RetentionKind.COMPLAINT_PERSONAL)),
        RetentionKind.NOTICE_BODIES: _notices(cutoff(RetentionKind.NOTICE_BODIES)),
        RetentionKind.CHAT_TRANSCRIPTS: Conversation.objects.filter(
            updated_at__lt=cutoff(RetentionKind.CHAT_TRANSCRIPTS)
        ),
        RetentionKind.REJECTED_IMPORT_ROWS: _rejected_rows(
            cutoff(RetentionKind.REJECTED_IMPORT_ROWS)
        ),
        RetentionKind.ACCESS_LOG: PersonalDataAccess.objects.filter(
            at__lt=cutoff(RetentionKind.ACCESS_LOG)
        ),
    }
    inbound = cutoff(RetentionKind.INBOUND_MESSAGES)
    plan = [
        KindPlan(kind.value, days[kind], cutoff(kind), qs.count()) for kind, qs in counts.items()
    ]
    plan.append(
        KindPlan(
            RetentionKind.INBOUND_MESSAGES.value,
            days[RetentionKind.INBOUND_MESSAGES],
            inbound,
            InboundMessage.objects.filter(received_at__lt=inbound).count()
            + _email_threads(inbound).count(),
        )
    )
    order = [k.value for k in RetentionKind]
    return sorted(plan, key=lambda p: order.index(p.kind))


def _anonymise_complaints(cutoff: datetime, now: datetime) -> int:
    done = 0
    failed: set[int] = set()
    while True:
        ids = list(
            _complaints(cutoff)
            .exclude(pk__in=failed)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return done
        for pk in ids:
            try:
                if complaint_anonymise(complaint_id=pk, now=now) is not None:
                    done += 1
            except Exception:
                # One complaint that cannot be anonymised must not hold back the others.
                logger.exception("retention: complaint %s could not be anonymised", pk)
                failed.add(pk)


def _blank_notices(cutoff: datetime) -> int:
    with transaction.atomic():
        ids = list(_notices(cutoff).values_list("pk", flat=True))
        LocalSms.objects.filter(notification_id__in=ids).update(to="", text="")
        return Notification.objects.filter(pk__in=ids).update(
            address="", subject="", body="", last_error=""
        )


def _forget_chats(cutoff: datetime) -> int:
    count = 0
    for conversation in Conversation.objects.filter(updated_at__lt=cutoff).iterator():
        with transaction.atomic():
            conversation_forget(conversation)
        count += 1
    return count


def _blank_rejected_rows(cutoff: datetime) -> int:
    scrub = Scrubber()  # no one's values in particular: phones, e-mails, numbers, names
    count = 0
    for row in _rejected_rows(cutoff).iterator():
        import_row_anonymise(row, scrub)
        count += 1
    return count


def _forget_inbound(cutoff: datetime) -> int:
    messages, _ = InboundMessage.objects.filter(received_at__lt=cutoff).delete()
    threads, _ = _email_threads(cutoff).delete()
    return messages + threads


def _forget_access_log(cutoff: datetime) -> int:
    """The one deliberate delete of the access log's rows: its trigger (accounts migration
    0004) refuses every other, and allows a DELETE with the transaction-local setting
    tanjai.retention on, set here for this statement only."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('tanjai.retention', 'on', true)")
        deleted, _ = PersonalDataAccess.objects.filter(at__lt=cutoff).delete()
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('tanjai.retention', 'off', true)")
    return deleted


def retention_run(*, now: datetime | None = None, dry_run: bool = False) -> list[KindPlan]:
    """Anonymise or delete what is past its period; returns, per kind, what was touched (a
    dry run: what would be, and nothing written, not even the run's record)."""
    now = now or timezone.now()
    plan = retention_plan(now=now)
    if dry_run:
        return plan
    by_kind = {p.kind: p for p in plan}
    # Complaints last: anonymising one also blanks its notices, which would otherwise be
    # counted under complaints and missing from notice_bodies, unlike the dry run's count.
    work = {
        RetentionKind.NOTICE_BODIES: _blank_notices,
        RetentionKind.INBOUND_MESSAGES: _forget_inbound,
        RetentionKind.CHAT_TRANSCRIPTS: _forget_chats,
        RetentionKind.REJECTED_IMPORT_ROWS: _blank_rejected_rows,
        RetentionKind.ACCESS_LOG: _forget_access_log,
        RetentionKind.COMPLAINT_PERSONAL: lambda c: _anonymise_complaints(c, now),
    }
    done = {}
    for kind, step in work.items():
        item = by_kind[kind.value]
        try:
            count = step(item.cutoff) if item.count else 0
        except DatabaseError:
            # One kind refused (a trigger, a lock) must not keep the others from going.
            logger.exception("retention: %s failed", kind.value)
            count = FAILED
        done[kind.value] = KindPlan(item.kind, item.days, item.cutoff, count)
    done_in_order = [done[p.kind] for p in plan]
    RetentionRun.objects.create(at=now, counts={p.kind: p.count for p in done_in_order})
    logger.info("retention: %s", ", ".join(f"{p.kind} {p.count}" for p in done_in_order))
    return done_in_order
