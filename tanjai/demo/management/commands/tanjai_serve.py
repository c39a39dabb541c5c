"""`tanjai serve`: the embedded default in one process: web server, worker and scheduler."""

from __future__ import annotations

import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tanjai.complaints.models import Complaint
from tanjai.core.scheduler import scheduler_run
from tanjai.core.worker import inprocess_worker
from tanjai.demo.accounts import DEMO_PASSWORD, demo_accounts_create
from tanjai.demo.submissions import demo_submissions_create
from tanjai.seed import all_seed

logger = logging.getLogger(__name__)


def _worker_thread(stop: threading.Event) -> None:

    # Signals belong to the main thread (the web server); the worker stops with the process.
    inprocess_worker(worker_id="serve-inprocess").run()


class Command(BaseCommand):
    help = "Migrate, seed, add demo data on an empty database, then serve web + worker + scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--demo-complaints", type=int, default=2000)
        parser.add_argument(
            "--no-worker", action="store_true", help="run web only (workers run apart)"
        )

    def handle(self, *args, **options):

        call_command("migrate", interactive=False, verbosity=0)
        all_seed()
        if not Complaint.objects.exists():
            made = demo_accounts_create()
            if made:
                self.stdout.write(f"demo accounts (password {DEMO_PASSWORD}): {', '.join(made)}")
            if options["demo_complaints"]:
                call_command("seed_demo", complaints=options["demo_complaints"], verbosity=0)
                # The demo branches also get this week's work, so every queue has something.
                call_command(
                    "seed_demo",
                    complaints=60,
                    days=4,
                    branches="chonburi,khon-kaen",
                    seed=2,
                    verbosity=0,
                )

                demo_submissions_create()
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_worker"]:
            stop = threading.Event()
            threading.Thread(
                target=_worker_thread, args=(stop,), daemon=True, name="worker"
            ).start()
            threading.Thread(
                target=scheduler_run, kwargs={"stop": stop}, daemon=True, name="scheduler"
            ).start()
        self.stdout.write(f"Tanjai at http://{options['host']}:{options['port']}/")
        call_command(
            "runserver",
            f"{options['host']}:{options['port']}",
            use_reloader=False,
            use_threading=True,
        )
