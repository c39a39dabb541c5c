from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tanjai.organisation.services import branches_import


class Command(BaseCommand):
    help = "Load branches from a CSV file: code,name_th,name_en,region[,special,province_th,province_en,lat,lon]"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        report = branches_import(text=text)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} invalid row(s); nothing was imported")
        self.stdout.write(
            f"branches: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
        )
