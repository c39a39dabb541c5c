from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tanjai.reports"
    label = "reports"

    def ready(self) -> None:
        # Imported here: the models and what connects to them load only once the apps do.
        from datetime import timedelta

        from tanjai.core.scheduler import job_register
        from tanjai.reports import receivers
        from tanjai.reports.tasks import reports_refresh_task, submission_reminders_task

        receivers.connect()
        job_register(
            "reports_refresh", timedelta(minutes=1), reports_refresh_task.enqueue, order=60
        )
        job_register(
            "submission_reminders", timedelta(days=1), submission_reminders_task.enqueue, order=70
        )
