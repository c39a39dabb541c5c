from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from tanjai.core.worker import worker_make


class Command(BaseCommand):
    help = (
        "Run a background worker (all queues). Run several, on several machines, as load "
        "needs. It waits out a database restart or a lost connection and carries on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queues", default="*", help="comma-separated queues, or * for all")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, **options):
        worker = worker_make(
            worker_id=get_random_string(32),
            queues=[q.strip() for q in options["queues"].split(",") if q.strip()] or ["*"],
            interval=max(0.0, options["interval"]),
            startup_delay=True,
        )
        # SIGTERM or Ctrl+C: finish the task in hand, then exit (twice: exit at once).
        worker.configure_signals()
        worker.run()
