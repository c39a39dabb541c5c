"""tanjai backup FOLDER: the database and the uploads, with a manifest to check a restore."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanjai.core.backup import BackupError, backup_make


class Command(BaseCommand):
    help = "Back up the database and the uploads into an empty folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_make(options["folder"], say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        counts = ", ".join(f"{k} {v:,}" for k, v in manifest["counts"].items())
        self.stdout.write(f"backup in {options['folder']} ({manifest['seconds']} s): {counts}")
