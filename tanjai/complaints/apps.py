from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "tanjai.complaints"
    label = "complaints"

    def ready(self) -> None:
        from tanjai.complaints import receivers

        receivers.connect()
