"""tanjai bench-reports [--repeat N]: the reports against their scale targets."""

import os
import shlex
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tanjai.reports.bench import reports_bench


class Command(BaseCommand):
    help = "Time the reports against their targets on the data in the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=10)
        parser.add_argument("--warmup", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"command: {shlex.join([os.path.basename(sys.argv[0]), *sys.argv[1:]])}")
        reports_bench(repeat=options["repeat"], warmup=options["warmup"], out=self.stdout.write)
