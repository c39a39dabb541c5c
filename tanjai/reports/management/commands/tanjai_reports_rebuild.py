"""tanjai reports-rebuild: recompute every report summary from the complaints (after a bulk
load, or to check that nothing drifted)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from tanjai.reports.services import reports_rebuild


class Command(BaseCommand):
    help = "Recompute the report summaries from all complaints."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        counts = reports_rebuild()
        rows = ", ".join(f"{name} {n:,}" for name, n in counts.items())
        self.stdout.write(
            f"report summaries rebuilt in {time.perf_counter() - started:.1f}s ({rows})"
        )
