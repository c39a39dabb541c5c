from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tanjai.core"
    label = "core"
