from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tanjai.intake"
    label = "intake"
