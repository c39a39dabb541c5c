from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "tanjai.dispatch"
    label = "dispatch"

    def ready(self) -> None:
        # Imported here: the models and what connects to them load only once the apps do.
        from tanjai.dispatch import receivers

        receivers.connect()
