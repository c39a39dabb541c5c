from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "tanjai.dispatch"
    label = "dispatch"

    def ready(self) -> None:
        from tanjai.dispatch import receivers

        receivers.connect()
