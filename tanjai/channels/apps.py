from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "tanjai.channels"
    label = "channels"
