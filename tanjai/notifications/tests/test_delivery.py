"""Notices go out from the outbox through a real database worker."""

from __future__ import annotations

import pytest
from django.core import mail

from tanjai.core.scheduler import scheduler_tick
from tanjai.core.worker import inprocess_worker
from tanjai.notifications.models import Notification, NotificationStatus


def run_worker() -> None:
    inprocess_worker(worker_id="test", batch=True).run()


@pytest.mark.django_db(transaction=True)
def test_a_dispatched_technician_gets_an_email_once(reseed, register, persona, settings, advance):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    complaint = register()
    advance(complaint, "dispatch")
    run_worker()
    to_tech = [m for m in mail.outbox if m.to == ["chonburi_tech@pwa.test"]]
    assert len(to_tech) == 1 and complaint.tracking_no in to_tech[0].subject
    email = Notification.objects.get(user__username="chonburi_tech", channel="email")
    assert email.status == NotificationStatus.SENT
    run_worker()  # nothing pending: nothing sent again
    assert len([m for m in mail.outbox if m.to == ["chonburi_tech@pwa.test"]]) == 1


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_enqueues_each_slot_once_and_the_worker_runs_the_watcher(reseed):
    from django_tasks_db.models import DBTaskResult

    assert scheduler_tick() == [
        "sla_watch",
        "notifications_retry",
        "rate_hits_prune",
        "conversations_prune",
        "imports_prune",
        "reports_refresh",
        "submission_reminders",
        "actions_overdue",
        "retention",
    ]
    assert scheduler_tick() == []  # a second scheduler in the same slot does nothing
    run_worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # The nine jobs ran (and the overdue monthly reports' reminders went out by e-mail).
    jobs = DBTaskResult.objects.exclude(task_path__endswith="notification_deliver")
    assert jobs.count() == 9


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_retried_with_backoff_until_it_goes(
    reseed, register, persona, settings, advance
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from tanjai.notifications.tasks import notification_deliver, notifications_retry

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        9,
        2,
    )  # nothing listens
    complaint = register()
    advance(complaint, "dispatch")
    run_worker()
    email = Notification.objects.get(user__username="chonburi_tech", channel="email")
    assert email.status == NotificationStatus.PENDING and email.attempts == 1 and email.last_error
    assert email.next_attempt_at > timezone.now()
    notifications_retry.call()
    notification_deliver.enqueue(email.pk)  # a duplicate delivery, as after a lost one
    run_worker()
    assert Notification.objects.get(pk=email.pk).attempts == 1  # not yet due: no attempt

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        # The technician's notice and the centre's (the forward) both failed once.
        assert notifications_retry.call() == 2
        run_worker()
    email.refresh_from_db()
    assert email.status == NotificationStatus.SENT and email.attempts == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chonburi_centre@pwa.test",
        "chonburi_tech@pwa.test",
    ]
