"""The background worker: django-tasks-db's database worker, made to ride out its database.

django-tasks-db's own loop stops at the first error from the database, so a PostgreSQL
restart ended `tanjai worker` and the notices waited for a person to start it again. Here a
lost database (a restart, a cut connection) is waited out with capped exponential backoff,
with jitter so that workers cut off together do not all knock at once, and the log says so
once when it is lost and once when it is back. The same outage handling serves the
scheduler. `tanjai worker`, the scheduler and `tanjai serve`'s in-process worker all use it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

logger = logging.getLogger(__name__)

# What a database that went away raises: a refused connection ("the database system is
# shutting down"), a connection cut mid-query, or one already closed.
DATABASE_ERRORS = (OperationalError, InterfaceError)


def backoff_delay(
    attempt: int,
    *,
    base: float = 0.5,
    cap: float = 30.0,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before try number `attempt` (1, 2, …) to reach the database again:
    `base` doubled each time up to `cap`, then drawn between half of that and all of it."""
    ceiling = min(cap, base * 2 ** min(attempt - 1, 30))
    return ceiling / 2 + rand() * ceiling / 2


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


class DatabaseOutage:
    """One loop's account of its database: lost (said once), tried again with backoff,
    back (said once)."""

    def __init__(self, who: str, *, base: float, cap: float, log: logging.Logger) -> None:
        self.who, self.base, self.cap, self.log = who, base, cap, log
        self.since: float | None = None
        self.tries = 0

    def lost(self, exc: BaseException) -> float:
        """Note a failed try; returns the seconds to wait before the next one."""
        # A broken connection is not reused: the next query opens a new one.
        for conn in connections.all(initialized_only=True):
            try:
                conn.close()
            except DATABASE_ERRORS:
                pass
        self.tries += 1
        if self.since is None:
            self.since = time.monotonic()
            self.log.warning(
                "%s: database lost (%s); trying again with backoff up to %gs",
                self.who,
                _first_line(exc),
                self.cap,
            )
        return backoff_delay(self.tries, base=self.base, cap=self.cap)

    def back(self) -> None:
        if self.since is not None:
            self.log.warning(
                "%s: database back after %.1fs (%d tries)",
                self.who,
                time.monotonic() - self.since,
                self.tries,
            )
            self.since, self.tries = None, 0


class TaskOutcomeLost(Exception):
    """The database went away while a task ran or before its outcome was written."""


class Worker(db_worker.Worker):
    """django-tasks-db's worker with its loop made to survive the database going away. The
    loop is its `run` with the outage handling added; claiming and running a task are its own."""

    backoff_base = 0.5
    backoff_cap = 30.0
    _in_flight: DBTaskResult | None = None  # the task being run, until its outcome is written

    def run(self) -> None:
        logger.info("worker %s started, queues %s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # workers started together do not poll in step
        outage = DatabaseOutage(
            f"worker {self.worker_id}", base=self.backoff_base, cap=self.backoff_cap, log=logger
        )
        while self.running:
            try:
                close_old_connections()
                self._lost_outcome_settle()
                task_result, retrieved = self._claim()
                outage.back()
                if task_result is not None:
                    self.run_task(task_result)
                close_old_connections()
            except DATABASE_ERRORS as exc:
                if isinstance(exc, OperationalError) and is_locked_database_exception(exc):
                    time.sleep(self.interval)  # SQLite busy with another writer
                else:
                    time.sleep(outage.lost(exc))
                continue
            if self.batch and retrieved and task_result is None:
                logger.info("worker %s: no more tasks, exiting", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("worker %s: ran %d tasks, exiting", self.worker_id, self._run_tasks)
                return
            if self.running and task_result is None:
                time.sleep(self.interval)

    def _claim(self) -> tuple[DBTaskResult | None, bool]:
        """The next ready task, claimed for this worker; and whether the queue was read."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    return None, False
                raise
        return task_result, True

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self._in_flight = db_task_result
        super().run_task(db_task_result)
        self._in_flight = None

    def _lost_outcome_settle(self) -> None:
        """A task whose outcome could not be written because the database went away would
        stay "running" for ever: once the database is back it is marked failed. Tanjai's
        tasks are safe to run again, and their periodic jobs do (notices, the SLA watcher)."""
        result = self._in_flight
        if result is None:
            return
        if DBTaskResult.objects.running().filter(pk=result.pk).exists():
            result.set_failed(
                TaskOutcomeLost(f"worker {self.worker_id} lost the database while this task ran")
            )
            logger.warning("task %s: outcome lost with the database, marked failed", result.pk)
        self._in_flight = None


def worker_make(
    *,
    worker_id: str,
    queues: list[str] | None = None,
    interval: float = 1.0,
    batch: bool = False,
    startup_delay: bool = False,
) -> Worker:
    return Worker(
        queue_names=queues or ["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=startup_delay,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def inprocess_worker(*, worker_id: str, batch: bool = False) -> Worker:
    """A worker for all queues inside another process (`tanjai serve`, the tests): signals
    stay with the host's main thread. `batch` runs what is pending, then returns."""
    return worker_make(worker_id=worker_id, interval=0 if batch else 1.0, batch=batch)
