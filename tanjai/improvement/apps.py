from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "tanjai.improvement"
    label = "improvement"
