from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tanjai.notifications"
    label = "notifications"
