from tanjai.channels.conversation import conversations_prune
from tanjai.core.tasks_compat import task


@task(queue_name="default")
def conversations_prune_task() -> int:
    """Forget chat complaints left half-way (enqueued hourly by the scheduler)."""
    return conversations_prune()


@task(queue_name="default")
def import_run_task(batch_id: int) -> str:
    """Import an uploaded 1111 or Damrongtham file as the user who uploaded it."""
    from django.contrib.auth import get_user_model

    from tanjai.accounts.scope import actor_for
    from tanjai.channels.imports import ImportFileError, import_process
    from tanjai.channels.models import ImportBatch, ImportStatus

    batch = ImportBatch.objects.select_related("format__channel").filter(pk=batch_id).first()
    if batch is None or batch.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return "nothing to do"
    user = get_user_model().objects.get(pk=batch.uploaded_by_id or 0)
    try:
        counts = import_process(batch, actor=actor_for(user))
    except ImportFileError as exc:
        return f"failed: {exc}"
    return ", ".join(f"{k} {v}" for k, v in counts.items())
