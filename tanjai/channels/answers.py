"""Answering back to GCC 1111 and Damrongtham: for each case they sent, what PWA did, keyed
by their own case number, as a CSV their officers can enter or upload. Staff notes are
masked (phone, account and house numbers) as in every export."""

from __future__ import annotations

import csv
from typing import IO

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import translation

from tanjai.accounts.scope import Actor
from tanjai.channels.models import ImportFormat
from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.selectors import complaints_visible_to
from tanjai.complaints.workflow import ActionCode
from tanjai.core.dates import format_date
from tanjai.core.periods import Period
from tanjai.core.text import csv_safe, mask_personal_text

HEADINGS = [
    "เลขที่เรื่อง (case number)",
    "เลขที่เรื่อง กปภ. (PWA tracking number)",
    "สถานะ (state)",
    "วันที่รับเรื่อง (received)",
    "หน่วยงาน (branch)",
    "วันที่แจ้งผู้ร้อง (customer told)",
    "แนวทางแก้ไข (plan)",
    "กำหนดแล้วเสร็จ (promised by)",
    "วันที่แก้ไขเสร็จ (fixed)",
    "ผลการดำเนินการ (result)",
    "วันที่ปิดเรื่อง (closed)",
]


def _last_note(action: ActionCode) -> Subquery:
    return Subquery(
        Event.objects.filter(complaint=OuterRef("pk"), action=action)
        .order_by("-at", "-id")
        .values("note")[:1]
    )


def answers_query(*, actor: Actor, fmt: ImportFormat, period: Period) -> QuerySet[Complaint]:
    return (
        complaints_visible_to(actor=actor)
        .filter(
            channel_id=fmt.channel_id,
            received_at__gte=period.start,
            received_at__lt=period.end,
        )
        .exclude(external_ref="")
        .select_related("branch")
        .annotate(
            plan=_last_note(ActionCode.INFORM_CUSTOMER),
            result=_last_note(ActionCode.REPORT_FIXED),
            closing=_last_note(ActionCode.CLOSE),
        )
        .order_by("received_at", "id")
    )


def answers_csv(*, actor: Actor, fmt: ImportFormat, period: Period, out: IO[str]) -> int:
    with translation.override("th"):
        return _answers_write(actor=actor, fmt=fmt, period=period, out=out)


def _answers_write(*, actor: Actor, fmt: ImportFormat, period: Period, out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    n = 0
    for c in answers_query(actor=actor, fmt=fmt, period=period).iterator(chunk_size=2000):
        result = c.closing or c.result or ""  # type: ignore[attr-defined]
        writer.writerow(
            [
                csv_safe(c.external_ref),
                c.tracking_no,
                c.get_status_display(),
                format_date(c.received_at),
                c.branch.name_th,
                format_date(c.informed_at),
                csv_safe(mask_personal_text(c.plan or "")),  # type: ignore[attr-defined]
                format_date(c.promised_at),
                format_date(c.fixed_at),
                csv_safe(mask_personal_text(result)),
                format_date(c.closed_at),
            ]
        )
        n += 1
    return n
