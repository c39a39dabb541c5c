from tanjai.core.ratelimit import rate_hits_prune
from tanjai.core.tasks_compat import task


@task(queue_name="default")
def rate_hits_prune_task() -> int:
    """Forget rate-limit hits older than a day (enqueued hourly by the scheduler)."""
    return rate_hits_prune()
