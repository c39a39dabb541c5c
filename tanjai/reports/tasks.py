from tanjai.core.tasks_compat import task
from tanjai.reports.services import reports_refresh
from tanjai.reports.submissions import submission_reminders


@task(queue_name="default")
def reports_refresh_task() -> int:
    """Recompute the report summaries of branch-months with new events (every minute)."""
    return reports_refresh(limit=2000)


@task(queue_name="default")
def submission_reminders_task() -> int:
    """Remind those who have not submitted last month (enqueued daily)."""

    return submission_reminders()
