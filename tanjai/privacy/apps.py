from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tanjai.privacy"
    label = "privacy"
    verbose_name = _("Personal data (PDPA)")

    def ready(self) -> None:
        # Imported here: the models and what connects to them load only once the apps do.
        from datetime import timedelta

        from tanjai.core.scheduler import job_register
        from tanjai.privacy import receivers
        from tanjai.privacy.tasks import retention_task

        receivers.connect()
        job_register("retention", timedelta(days=1), retention_task.enqueue, order=90)
