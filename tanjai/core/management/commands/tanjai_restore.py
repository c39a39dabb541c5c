"""tanjai restore FOLDER: a backup into the configured (empty) database, then checked."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanjai.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database and MEDIA_ROOT, and check it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--jobs", type=int, default=2, help="pg_restore's parallel jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_restore(options["folder"], jobs=options["jobs"], say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
