from django.core.management.base import BaseCommand

from tanjai.sla.services import sla_watch


class Command(BaseCommand):
    help = "Run one pass of the SLA watcher now."

    def handle(self, *args, **options):
        self.stdout.write(f"{sla_watch()} escalations recorded")
