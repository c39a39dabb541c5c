from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "tanjai.sla"
    label = "sla"
