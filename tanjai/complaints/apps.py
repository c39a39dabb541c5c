from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "tanjai.complaints"
    label = "complaints"
