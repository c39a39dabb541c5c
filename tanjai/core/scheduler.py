"""Periodic jobs: the scheduler enqueues them, the workers run them.

Each job has a fixed interval; a run is keyed by (job, slot start). The unique
constraint on PeriodicRun lets several schedulers run for availability while every
slot is enqueued once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from tanjai.core.models import PeriodicRun
from tanjai.core.worker import DATABASE_ERRORS, DatabaseOutage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    interval: timedelta
    enqueue: Callable[[], object]


_JOBS: dict[str, tuple[int, Job]] = {}


def job_register(
    name: str,
    interval: timedelta | Callable[[], timedelta],
    enqueue: Callable[[], object],
    *,
    order: int,
) -> None:
    """Each app registers its periodic jobs in its AppConfig.ready(). The interval may be a
    function, read at each tick (a setting). A tick enqueues the jobs due in `order`: the
    SLA watcher first, then deliveries, housekeeping, reports and reminders."""
    _JOBS[name] = (order, Job(name, interval, enqueue))  # type: ignore[arg-type]


def jobs() -> list[Job]:
    return [
        Job(job.name, job.interval() if callable(job.interval) else job.interval, job.enqueue)
        for _order, job in sorted(_JOBS.values(), key=lambda entry: entry[0])
    ]


def _slot(now: datetime, interval: timedelta) -> datetime:
    seconds = int(interval.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def scheduler_tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet; returns their names."""
    now = now or timezone.now()
    started = []
    for job in jobs():
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, slot=_slot(now, job.interval))
                job.enqueue()
        except IntegrityError:
            continue  # this slot was taken by another scheduler
        started.append(job.name)
    PeriodicRun.objects.filter(enqueued_at__lt=now - timedelta(days=2)).delete()
    return started


def scheduler_run(
    *,
    stop: threading.Event | None = None,
    tick_seconds: float = 5.0,
    backoff_base: float = 0.5,
    backoff_cap: float = 30.0,
) -> None:
    """Tick until `stop` is set. A lost database (a restart, a cut connection) is waited out
    with backoff and said once when lost and once when back, not with a traceback a tick."""

    stop = stop or threading.Event()
    logger.info("scheduler started: %s", ", ".join(f"{j.name}/{j.interval}" for j in jobs()))
    outage = DatabaseOutage("scheduler", base=backoff_base, cap=backoff_cap, log=logger)
    while not stop.is_set():
        wait = tick_seconds
        try:
            close_old_connections()
            started = scheduler_tick()
            outage.back()
            for name in started:
                logger.info("enqueued %s", name)
        except DATABASE_ERRORS as exc:
            wait = outage.lost(exc)
        except Exception:
            logger.exception("scheduler tick failed")
        stop.wait(wait)
