"""`tanjai seed-demo`: add realistic demo complaints with consistent histories (bulk)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tanjai.demo.generator import seed_demo


class Command(BaseCommand):
    help = (
        "Add N demo complaints spread over the two fiscal years up to --end, each with its "
        "event log, work orders and SLA columns. Running it again adds N more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, default=2000, help="how many (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--batch", type=int, default=5000, help="rows per transaction")
        parser.add_argument(
            "--end",
            type=date.fromisoformat,
            default=None,
            help="last day of the data, YYYY-MM-DD (default today)",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=730,
            help="spread over this many days up to --end (default 730)",
        )
        parser.add_argument(
            "--branches", default="", help="comma-separated branch codes (default: all branches)"
        )
        parser.add_argument(
            "--technicians-per-branch",
            type=int,
            default=2,
            help="technician accounts tech<k>.<branch> to create where missing (default 2)",
        )

    def handle(self, *args, **options):

        verbosity = options["verbosity"]
        if options["complaints"] < 0:
            raise CommandError("--complaints must be 0 or more")
        if options["days"] < 1:
            raise CommandError("--days must be 1 or more")

        def progress(line: str) -> None:
            if verbosity >= 1:
                self.stdout.write(line)
                self.stdout.flush()

        progress(
            f"seeding {options['complaints']:,} demo complaints into {connection.vendor} "
            f"({connection.settings_dict['NAME']}), seed {options['seed']}, "
            f"batch {options['batch']:,}"
        )
        try:
            report = seed_demo(
                complaints=options["complaints"],
                seed=options["seed"],
                batch=options["batch"],
                end=options["end"],
                technicians_per_branch=options["technicians_per_branch"],
                progress=progress,
                days=options["days"],
                branches=[c.strip() for c in options["branches"].split(",") if c.strip()] or None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        # Bulk rows have no events through the workflow door: the report summaries are
        # recomputed from all complaints once.
        import time

        from tanjai.reports.services import reports_rebuild

        started = time.perf_counter()
        reports_rebuild()
        progress(f"report summaries rebuilt in {time.perf_counter() - started:.1f}s")
        if verbosity >= 1:
            closed = report.closed or 1
            states = ", ".join(f"{s} {n:,}" for s, n in report.status.most_common())
            self.stdout.write(
                self.style.SUCCESS(
                    f"added {report.complaints:,} complaints, {report.events:,} events, "
                    f"{report.work_orders:,} work orders in {report.seconds:.1f}s "
                    f"({report.rate:,.0f} complaints/s)"
                )
            )
            self.stdout.write(f"states: {states}")
            self.stdout.write(
                f"closed within the resolve target: {100 * report.closed_in_time / closed:.1f}%; "
                f"reopened at least once: {report.reopened:,}"
            )
