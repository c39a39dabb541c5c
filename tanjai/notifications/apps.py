from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "tanjai.notifications"
    label = "notifications"

    def ready(self) -> None:
        from tanjai.notifications.checks import sms_backend_check

        checks.register(sms_backend_check, checks.Tags.compatibility)
