from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "tanjai.improvement"
    label = "improvement"

    def ready(self) -> None:
        # Imported here: the models and what connects to them load only once the apps do.
        from datetime import timedelta

        from tanjai.core.scheduler import job_register
        from tanjai.improvement.tasks import actions_overdue_remind_task

        job_register(
            "actions_overdue", timedelta(days=1), actions_overdue_remind_task.enqueue, order=80
        )
