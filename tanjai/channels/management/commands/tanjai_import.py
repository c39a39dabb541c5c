"""tanjai import-cases FILE --format gcc1111|damrongtham [--user NAME] [--rejected OUT.csv]

Imports a CSV or XLSX export of GCC 1111 or Damrongtham, with a progress bar. Importing the
same file again adds nothing."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanjai.accounts.scope import actor_for
from tanjai.channels.conversation import channel_actor
from tanjai.channels.imports import ImportFileError, Progress, import_process, rejected_csv
from tanjai.channels.models import ImportBatch, ImportFormat


def progress_line(progress: Progress, width: int = 30) -> str:
    total = max(progress.total or progress.done, progress.done, 1)
    filled = round(width * progress.done / total)
    counts = progress.counts
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {progress.done:,}/{total:,} "
        f"{100 * progress.done // total}%  new {counts.get('created', 0):,} · "
        f"already {counts.get('existing', 0):,} · rejected {counts.get('rejected', 0):,}"
    )


class Command(BaseCommand):
    help = "Import a GCC 1111 or Damrongtham export (CSV or XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", required=True, help="import format code")
        parser.add_argument("--user", help="register as this staff user (default: the channel)")
        parser.add_argument("--rejected", help="write the rejected rows to this CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        fmt = ImportFormat.objects.select_related("channel").filter(code=options["format"]).first()
        if fmt is None or not fmt.active:
            codes = ", ".join(
                ImportFormat.objects.filter(active=True).values_list("code", flat=True)
            )
            raise CommandError(
                f"No active import format {options['format']!r} (there are: {codes})"
            )
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}")
        actor = actor_for(user) if user else channel_actor(fmt.channel.code)
        data = path.read_bytes()
        batch = ImportBatch(
            format=fmt,
            file_name=path.name[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=user,
        )
        with path.open("rb") as handle:
            batch.file.save(path.name, File(handle), save=False)
        batch.save()
        tty = sys.stderr.isatty()

        def show(progress: Progress) -> None:
            end = "\r" if tty and progress.done != progress.total else "\n"
            self.stderr.write(progress_line(progress), ending=end)
            self.stderr.flush()

        try:
            counts = import_process(batch, actor=actor, on_progress=show, every=25 if tty else None)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Import {batch.pk} of {path.name}: {counts['created']} new, "
            f"{counts['existing']} already imported, {counts['rejected']} rejected"
        )
        if counts["rejected"]:
            for row in batch.rows.filter(outcome="rejected").order_by("row_no")[:20]:
                self.stdout.write(
                    f"  row {row.row_no} {row.external_ref}: {'; '.join(row.reasons)}"
                )
            if options["rejected"]:
                with open(options["rejected"], "w", encoding="utf-8-sig", newline="") as out:
                    rejected_csv(batch, out)
                self.stdout.write(f"Rejected rows written to {options['rejected']}")
