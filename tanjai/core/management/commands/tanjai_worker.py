from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run a background worker (all queues). Run several, on several machines, as load needs."

    def add_arguments(self, parser):
        parser.add_argument("--queues", default="*", help="comma-separated queues, or * for all")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, **options):
        call_command(
            "db_worker", queue_name=options["queues"], interval=options["interval"], reload=False
        )
