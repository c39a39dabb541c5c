from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tanjai.demo"
    label = "demo"
