from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "tanjai.sla"
    label = "sla"

    def ready(self) -> None:
        # Imported here: the models and what connects to them load only once the apps do.
        from datetime import timedelta

        from django.conf import settings

        from tanjai.core.scheduler import job_register
        from tanjai.sla import receivers
        from tanjai.sla.tasks import sla_watch_task

        receivers.connect()
        job_register(
            "sla_watch",
            lambda: timedelta(seconds=settings.SLA_WATCH_INTERVAL),
            sla_watch_task.enqueue,
            order=10,
        )
