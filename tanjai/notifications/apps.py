from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "tanjai.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Imported here: the models and what connects to them load only once the apps do.
        from datetime import timedelta

        from tanjai.core.scheduler import job_register
        from tanjai.notifications import receivers
        from tanjai.notifications.checks import sms_backend_check
        from tanjai.notifications.tasks import notifications_retry

        receivers.connect()
        job_register(
            "notifications_retry", timedelta(minutes=2), notifications_retry.enqueue, order=20
        )

        checks.register(sms_backend_check, checks.Tags.compatibility)
