from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "tanjai.dispatch"
    label = "dispatch"
