from tanjai.core.tasks_compat import task
from tanjai.sla.services import sla_watch


@task(queue_name="sla")
def sla_watch_task() -> int:
    """One pass of the SLA watcher (enqueued by the scheduler every SLA_WATCH_INTERVAL s)."""
    return sla_watch()
