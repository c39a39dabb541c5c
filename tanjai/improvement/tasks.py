from tanjai.core.tasks_compat import task
from tanjai.improvement.services import actions_overdue_remind


@task(queue_name="default")
def actions_overdue_remind_task() -> int:
    """Remind the owners of overdue improvement actions (enqueued daily)."""

    return actions_overdue_remind()
