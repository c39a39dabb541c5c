"""tanjai retention [--dry-run]

Anonymises or deletes the personal data past its retention period (what the daily job
does); with --dry-run, says what it would touch, per kind, and changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tanjai.privacy.models import RetentionKind
from tanjai.privacy.retention import FAILED, retention_run


class Command(BaseCommand):
    help = "Apply the retention periods to personal data (--dry-run: only count)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be touched; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        plan = retention_run(dry_run=dry_run)
        labels = dict(RetentionKind.choices)
        verb = "would touch" if dry_run else "touched"
        self.stdout.write(f"{'kind':<22} {'kept (days)':>11}  {'older than':<16} {verb:>11}")
        for item in plan:
            self.stdout.write(
                f"{item.kind:<22} {item.days:>11}  "
                f"{timezone.localtime(item.cutoff):%Y-%m-%d %H:%M} "
                f"{'failed' if item.count == FAILED else f'{item.count:,}':>11}"
                f"  {labels[item.kind]}"
            )
        if dry_run:
            self.stdout.write("dry run: nothing was changed")
