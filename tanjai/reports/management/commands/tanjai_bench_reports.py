"""tanjai bench-reports [--repeat N] [--files]: the reports against their scale targets, and
the time to make each report's PDF and XLSX."""

import os
import shlex
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tanjai.reports.bench import files_bench, reports_bench


class Command(BaseCommand):
    help = "Time the reports against their targets on the data in the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=10)
        parser.add_argument("--warmup", type=int, default=2)
        parser.add_argument(
            "--files", action="store_true", help="also make each report's PDF and XLSX"
        )
        parser.add_argument("--files-only", action="store_true")
        parser.add_argument("--files-repeat", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"command: {shlex.join([os.path.basename(sys.argv[0]), *sys.argv[1:]])}")
        if not options["files_only"]:
            reports_bench(repeat=options["repeat"], warmup=options["warmup"], out=self.stdout.write)
        if options["files"] or options["files_only"]:
            files_bench(repeat=options["files_repeat"], out=self.stdout.write)
