from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tanjai.reports"
    label = "reports"
