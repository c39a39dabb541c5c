from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "tanjai.complaints"
    label = "complaints"

    def ready(self) -> None:
        # Imported here: the models and what connects to them load only once the apps do.
        from tanjai.complaints import receivers

        receivers.connect()
