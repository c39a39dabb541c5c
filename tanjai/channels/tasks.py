from tanjai.accounts.scope import actor_for
from tanjai.channels.conversation import channel_actor, conversations_prune
from tanjai.channels.imports import ImportFileError, import_process, imports_prune
from tanjai.channels.models import ImportBatch, ImportStatus
from tanjai.core.tasks_compat import task


@task(queue_name="default")
def conversations_prune_task() -> int:
    """Forget chat complaints left half-way (enqueued hourly by the scheduler)."""
    return conversations_prune()


@task(queue_name="default")
def import_run_task(batch_id: int) -> str:
    """Import an uploaded 1111 or Damrongtham file as the user who uploaded it."""
    from django.contrib.auth import get_user_model

    batch = ImportBatch.objects.select_related("format__channel").filter(pk=batch_id).first()
    if batch is None or batch.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return "nothing to do"

    user = get_user_model().objects.filter(pk=batch.uploaded_by_id or 0).first()
    # A file imported from the command line without --user is continued as its channel.
    actor = actor_for(user) if user else channel_actor(batch.format.channel.code)
    try:
        counts = import_process(batch, actor=actor)
    except ImportFileError as exc:
        return f"failed: {exc}"
    return ", ".join(f"{k} {v}" for k, v in counts.items())


@task(queue_name="default")
def imports_prune_task() -> int:
    """Forget the values of rejected rows of imports finished long ago (enqueued daily)."""

    return imports_prune()
