from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tanjai.portal"
    label = "portal"
