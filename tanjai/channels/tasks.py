from tanjai.channels.conversation import conversations_prune
from tanjai.core.tasks_compat import task


@task(queue_name="default")
def conversations_prune_task() -> int:
    """Forget chat complaints left half-way (enqueued hourly by the scheduler)."""
    return conversations_prune()
