"""The database worker of django-tasks-db, run inside another process: the embedded
`tanjai serve` and the tests. Signals stay with the host process's main thread."""

from django_tasks_db.management.commands.db_worker import Worker


def inprocess_worker(*, worker_id: str, batch: bool = False) -> Worker:
    """A worker for all queues; `batch` runs what is pending, then returns."""
    return Worker(
        queue_names=["*"],
        interval=0 if batch else 1.0,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
