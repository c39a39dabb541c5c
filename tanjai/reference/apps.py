from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "tanjai.reference"
    label = "reference"
