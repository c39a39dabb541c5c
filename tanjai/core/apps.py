from typing import Any

from django.apps import AppConfig


def _jit_off(sender: Any, connection: Any, **kwargs: Any) -> None:
    """PostgreSQL's JIT compiler costs more than it saves on Tanjai's queries (see
    settings.DATABASE_JIT): switched off for each new connection."""
    from django.conf import settings

    if connection.vendor == "postgresql" and not settings.DATABASE_JIT:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")


class CoreConfig(AppConfig):
    name = "tanjai.core"
    label = "core"

    def ready(self) -> None:
        # Imported here: the models and what connects to them load only once the apps do.
        from datetime import timedelta

        from tanjai.core.scheduler import job_register
        from tanjai.core.tasks import rate_hits_prune_task

        job_register("rate_hits_prune", timedelta(hours=1), rate_hits_prune_task.enqueue, order=30)
        from django.db.backends.signals import connection_created

        connection_created.connect(_jit_off, dispatch_uid="tanjai-jit-off")
