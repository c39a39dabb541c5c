"""`tanjai bench`: time the queries staff wait for on the complaints already in the database."""

from __future__ import annotations

import os
import shlex
import sys

from django.core.management.base import BaseCommand

from tanjai.demo.bench import run_bench


def _redacted_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if "@" in url and ":" in url.split("@", 1)[0].split("//", 1)[-1]:
        scheme, rest = url.split("//", 1)
        user = rest.split("@", 1)[0].split(":", 1)[0]
        return f"{scheme}//{user}:***@{rest.split('@', 1)[1]}"
    return url


class Command(BaseCommand):
    help = (
        "Time the branch queue, the region overdue count, a Thai text search and the SLA "
        "watcher (median, p95, min in ms). Does not seed: run seed_demo first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30, help="timed runs per query")
        parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
        parser.add_argument(
            "--word",
            action="append",
            dest="words",
            help="text to search for (repeatable); default ท่อแตก and น้ำขุ่น",
        )
        parser.add_argument("--backlog", type=int, default=500, help="rows due in the backlog pass")
        parser.add_argument("--no-explain", action="store_true", help="skip the EXPLAIN plans")

    def handle(self, *args, **options):

        url = _redacted_database_url()
        command = shlex.join([os.path.basename(sys.argv[0]), *sys.argv[1:]])
        self.stdout.write(f"command: {'DATABASE_URL=' + url + ' ' if url else ''}{command}")

        def out(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        run_bench(
            repeat=options["repeat"],
            warmup=options["warmup"],
            words=tuple(options["words"] or ("ท่อแตก", "น้ำขุ่น")),
            backlog=options["backlog"],
            out=out,
            explain=not options["no_explain"],
        )
