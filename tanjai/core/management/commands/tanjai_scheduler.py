from django.core.management.base import BaseCommand

from tanjai.core.scheduler import scheduler_run


class Command(BaseCommand):
    help = "Enqueue periodic jobs (the SLA watcher) for the workers; several may run at once."

    def handle(self, *args, **options):
        try:
            scheduler_run()
        except KeyboardInterrupt:
            pass
