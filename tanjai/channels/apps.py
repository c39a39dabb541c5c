from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "tanjai.channels"
    label = "channels"

    def ready(self) -> None:
        # Imported here: the models and what connects to them load only once the apps do.
        from datetime import timedelta

        from tanjai.channels.tasks import conversations_prune_task, imports_prune_task
        from tanjai.channels.transports import LineTransport, MessengerTransport
        from tanjai.core.scheduler import job_register
        from tanjai.notifications.transports import transport_register

        # The chats are also ways out: notices reach customers who wrote on LINE or Messenger.
        transport_register("line", LineTransport())
        transport_register("facebook", MessengerTransport())
        job_register(
            "conversations_prune", timedelta(hours=1), conversations_prune_task.enqueue, order=40
        )
        job_register("imports_prune", timedelta(days=1), imports_prune_task.enqueue, order=50)
