from tanjai.core.tasks_compat import task
from tanjai.privacy.retention import retention_run


@task(queue_name="default")
def retention_task() -> str:
    """Anonymise or delete personal data past its retention period (enqueued daily)."""

    return ", ".join(f"{p.kind} {p.count}" for p in retention_run())
