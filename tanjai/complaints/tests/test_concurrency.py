"""Two people acting on one complaint at once: one wins, the other gets a clear refusal.

These need real row locks across connections, so they run on PostgreSQL (CI sets
DATABASE_URL); on SQLite the database takes one writer at a time anyway.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tanjai.complaints.errors import WorkflowError
from tanjai.complaints.models import Event
from tanjai.complaints.services import complaint_act
from tanjai.sla.services import sla_watch

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            outcomes[i] = fn()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_officers_forward_at_once_one_wins(reseed, register, persona):
    complaint = register()
    call_centre, officer = persona("call_centre"), persona("chonburi_officer")
    outcomes = race(
        lambda: complaint_act(
            tracking_no=complaint.tracking_no, actor=call_centre, action="forward", data={}
        ),
        lambda: complaint_act(
            tracking_no=complaint.tracking_no,
            actor=officer,
            action="forward",
            data={"unit": "pattaya-centre"},
        ),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], WorkflowError) and errors[0].status == 409
    assert "forwarded" in errors[0].message
    assert Event.objects.filter(complaint=complaint, action="forward").count() == 1


def test_two_people_acting_on_the_version_they_saw_one_wins(reseed, register, persona):
    complaint = register()
    seen = complaint.version
    call_centre, officer = persona("call_centre"), persona("chonburi_officer")
    outcomes = race(
        lambda: complaint_act(
            tracking_no=complaint.tracking_no,
            actor=call_centre,
            action="forward",
            data={},
            expected_version=seen,
        ),
        lambda: complaint_act(
            tracking_no=complaint.tracking_no,
            actor=officer,
            action="mark_not_relevant",
            data={"reason": "ซ้ำ"},
            expected_version=seen,
        ),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and errors[0].status == 409
    assert Event.objects.filter(complaint=complaint).exclude(action="register").count() == 1


def test_two_watchers_at_once_record_each_escalation_once(reseed, register):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(20):
        register()
    later = timezone.now() + timedelta(days=3)
    counts = race(
        lambda: sla_watch(now=later), lambda: sla_watch(now=later), lambda: sla_watch(now=later)
    )
    assert sum(counts) == 20 * 6
    assert Event.objects.filter(action="sla_escalated").count() == 20 * 6


def test_parallel_password_guesses_do_not_pass_the_limit(reseed):
    from tanjai.accounts.models import LoginFailure
    from tanjai.accounts.services import LOCKOUT_FAILURES_PER_USER, token_issue

    def guess():
        return token_issue(username="chonburi_centre", password="guess", address="203.0.113.9")

    race(*([guess] * 12))
    checked = LoginFailure.objects.filter(username="chonburi_centre").count()
    assert checked <= LOCKOUT_FAILURES_PER_USER
