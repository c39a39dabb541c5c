"""The worker and the scheduler ride out their database going away, as it does when
PostgreSQL restarts: the clients' connections are cut and new ones are refused for a while.

The outage is made for real on the test database only (`tanjai.testing.outage`): it stops
taking connections and every other connection to it is terminated, which is what a restart
does to a client; then it takes connections again. PostgreSQL only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tanjai.core.models import PeriodicRun
from tanjai.core.tasks import rate_hits_prune_task
from tanjai.core.tasks_compat import task
from tanjai.core.worker import inprocess_worker
from tanjai.testing.outage import database_down

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL to cut off"),
]


def until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def finished(result_id: str) -> bool:
    return DBTaskResult.objects.filter(id=result_id, status="SUCCESSFUL").exists()


def lines(caplog, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


@contextmanager
def worker_running() -> Iterator[tuple[threading.Thread, list[BaseException]]]:
    """The real worker loop in a thread, polling quickly and retrying quickly."""
    worker = inprocess_worker(worker_id="outage-test")
    worker.interval = 0.05
    worker.backoff_base, worker.backoff_cap = 0.05, 0.4
    died: list[BaseException] = []

    def run() -> None:
        try:
            worker.run()
        except BaseException as exc:
            died.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield thread, died
    finally:
        worker.running = False
        thread.join(5)


released = threading.Event()


@task(queue_name="default")
def waits_for_release() -> str:
    released.wait(10)
    return "done"


def test_the_worker_carries_on_after_its_database_restarts(reseed, caplog):
    caplog.set_level(logging.INFO, logger="tanjai.core.worker")
    with worker_running() as (thread, died):
        before = rate_hits_prune_task.enqueue()
        assert until(lambda: finished(before.id), 10), "the worker never ran the first task"
        with database_down():
            time.sleep(1.5)  # several rounds of backoff against a database that says no
            assert not died, f"the worker stopped: {died[0]!r}"
            after = rate_hits_prune_task.enqueue()  # this test's own connection survives
        assert until(lambda: finished(after.id), 10), f"the worker stopped: {died!r}"
        assert thread.is_alive()
    # One line when the database was lost, one when it came back; not one per try.
    assert len(lines(caplog, "database lost")) == 1
    assert len(lines(caplog, "database back")) == 1


def test_a_task_cut_off_mid_run_is_marked_failed_not_left_running(reseed):
    released.clear()
    with worker_running() as (_thread, died):
        cut = waits_for_release.enqueue()
        assert until(lambda: DBTaskResult.objects.filter(id=cut.id, status="RUNNING").exists(), 10)
        with database_down():
            released.set()  # it finishes while its outcome cannot be written
            time.sleep(1)
        after = rate_hits_prune_task.enqueue()
        assert until(lambda: finished(after.id), 10), f"the worker stopped: {died!r}"
    lost = DBTaskResult.objects.get(id=cut.id)
    assert lost.status == "FAILED"
    assert lost.exception_class_path == "tanjai.core.worker.TaskOutcomeLost"


def test_the_scheduler_carries_on_after_its_database_restarts(reseed, caplog):
    from tanjai.core.scheduler import scheduler_run

    caplog.set_level(logging.INFO, logger="tanjai.core.scheduler")
    stop = threading.Event()

    def run() -> None:
        try:
            scheduler_run(stop=stop, tick_seconds=0.05, backoff_base=0.05, backoff_cap=0.4)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        assert until(lambda: PeriodicRun.objects.filter(job="sla_watch").exists(), 10)
        with database_down():
            time.sleep(1.5)
            PeriodicRun.objects.all().delete()  # so the slots are free again once it is back
        # Back: the scheduler enqueues the current slots again.
        assert until(lambda: PeriodicRun.objects.filter(job="sla_watch").exists(), 10)
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(5)
    assert len(lines(caplog, "database lost")) == 1
    assert len(lines(caplog, "database back")) == 1
    assert not lines(caplog, "tick failed")
