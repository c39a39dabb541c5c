"""Retention as data: each kind of personal data kept for its period, then anonymised or
deleted by the daily job; the dry run says what it would touch and touches nothing."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from tanjai.accounts.models import PersonalDataAccess
from tanjai.accounts.services import personal_data_access_log
from tanjai.channels.models import Conversation, ImportRow, InboundMessage
from tanjai.complaints.models import Complaint, Event
from tanjai.notifications.models import Notification, NotificationStatus
from tanjai.privacy.models import AnonymisedComplaint, RetentionKind, RetentionRule, RetentionRun
from tanjai.privacy.retention import retention_plan, retention_run
from tanjai.privacy.tests.conftest import texts_holding

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")
START = datetime(2026, 11, 2, 9, 0, tzinfo=BANGKOK)


def _snapshot() -> dict[str, object]:
    """Everything the job may change, to show a dry run changes none of it."""
    return {
        "complaints": list(Complaint.objects.order_by("pk").values()),
        "events": list(Event.objects.order_by("pk").values()),
        "notices": list(Notification.objects.order_by("pk").values()),
        "inbound": list(InboundMessage.objects.order_by("pk").values()),
        "chats": list(Conversation.objects.order_by("pk").values()),
        "rows": list(ImportRow.objects.order_by("pk").values()),
        "access": list(PersonalDataAccess.objects.order_by("pk").values()),
        "runs": RetentionRun.objects.count(),
        "anonymised": AnonymisedComplaint.objects.count(),
    }


def _counts(plan) -> dict[str, int]:
    return {p.kind: p.count for p in plan}


def test_each_kind_goes_after_its_period_and_the_dry_run_touches_nothing(
    db, register, advance, persona, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        closed = register(customer={"name": "สมชาย ใจดี", "phone": "0812345678"})
        advance(closed, "close")
        still_open = register(customer={"name": "สมศรี มีสุข", "phone": "0899990000"})
        InboundMessage.objects.create(provider="line", message_id="evt-1")
        Conversation.objects.create(provider="line", user_id="U-half-way", step="description")
        personal_data_access_log(
            user_id=persona("chonburi_centre").user_id or 0, complaint_id=closed.pk, via="web"
        )
    # The worker sends what waits (in these tests nothing runs on commit); a notice still to
    # be read out on the telephone is a task, kept whatever its age.
    Notification.objects.filter(status=NotificationStatus.PENDING).update(
        status=NotificationStatus.SENT
    )
    notices = (
        Notification.objects.filter(to_customer=True)
        .exclude(body="")
        .exclude(status=NotificationStatus.TO_TELL)
    )
    assert notices.exists()

    # A week on: only the unsent chat (7 days) is past its period.
    with time_machine.travel(START + timedelta(days=8), tick=False):
        assert _counts(retention_plan()) == {
            "complaint_personal": 0,
            "notice_bodies": 0,
            "inbound_messages": 0,
            "chat_transcripts": 1,
            "rejected_import_rows": 0,
            "access_log": 0,
        }
    # Five years and a day after closing: everything but the open complaint.
    later = START + timedelta(days=5 * 365 + 1)
    with time_machine.travel(later, tick=False):
        before = _snapshot()
        plan = retention_run(dry_run=True)
        assert _snapshot() == before  # nothing written, not even the run's record
        assert _counts(plan) == {
            "complaint_personal": 1,
            "notice_bodies": notices.count(),
            "inbound_messages": 1,
            "chat_transcripts": 1,
            "rejected_import_rows": 0,
            "access_log": 1,
        }
        out = io.StringIO()
        call_command("retention", "--dry-run", stdout=out)
        assert "complaint_personal" in out.getvalue() and "dry run" in out.getvalue()
        assert _snapshot() == before
        with django_capture_on_commit_callbacks(execute=True):
            done = retention_run()
        assert _counts(done) == _counts(plan)
        assert RetentionRun.objects.get().counts == _counts(plan)
        assert _counts(retention_plan()) == dict.fromkeys(_counts(plan), 0)  # all done
    closed.refresh_from_db()
    assert closed.customer_name == closed.customer_phone == ""
    assert AnonymisedComplaint.objects.filter(complaint=closed, request=None).exists()
    assert Complaint.objects.get(pk=still_open.pk).customer_phone == "0899990000"
    assert not texts_holding(["0812345678", "สมชาย"])
    assert not notices.exists()  # the words of the notices sent are gone, the rows stay
    assert Notification.objects.filter(to_customer=True).count() > 0
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()
    assert not PersonalDataAccess.objects.exists()


def test_the_periods_are_data(world):
    rows = ImportRow.objects.exclude(values={})
    assert rows.count() == 2
    with time_machine.travel(datetime.now(tz=BANGKOK) + timedelta(days=31), tick=False):
        assert _counts(retention_plan())["rejected_import_rows"] == 0  # kept 90 days
        RetentionRule.objects.update_or_create(
            kind=RetentionKind.REJECTED_IMPORT_ROWS, defaults={"days": 30}
        )
        assert _counts(retention_plan())["rejected_import_rows"] == 2
        retention_run()
    assert not rows.exists()
    # The reasons stay, their phone numbers masked.
    assert all("1234" not in " ".join(r.reasons) for r in ImportRow.objects.all())


def test_the_job_is_scheduled_daily():
    from tanjai.core.scheduler import jobs

    (job,) = [j for j in jobs() if j.name == "retention"]
    assert job.interval == timedelta(days=1)


def test_a_kind_that_fails_does_not_hold_back_the_others(
    db, register, advance, persona, monkeypatch
):
    from django.db import DatabaseError

    from tanjai.privacy import retention

    with time_machine.travel(START, tick=False):
        closed = register()
        advance(closed, "close")
        centre = persona("chonburi_centre").user_id or 0
        personal_data_access_log(user_id=centre, complaint_id=closed.pk, via="web")

    def refused(cutoff):
        raise DatabaseError("personal-data access log is append-only")

    monkeypatch.setattr(retention, "_forget_access_log", refused)
    with time_machine.travel(START + timedelta(days=5 * 365 + 1), tick=False):
        done = _counts(retention_run())
    assert done["access_log"] == retention.FAILED and done["complaint_personal"] == 1
    assert Complaint.objects.get(pk=closed.pk).customer_phone == ""
