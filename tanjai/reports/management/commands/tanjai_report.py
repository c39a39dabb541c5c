"""tanjai report {category-sla|satisfaction|resolved|results|krs-quarter} --scope org|region:N|branch:CODE
--period 2026-10|FY2569|FY2569-Q1|2026-10-01..2026-10-31 --format json|csv|xlsx
[--by category|subcategory|channel] [--user NAME] [--output FILE]"""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanjai.accounts.scope import actor_for
from tanjai.core.periods import PeriodError, period_parse
from tanjai.reports.exports import REPORTS, ReportError, report_build
from tanjai.reports.files import report_file
from tanjai.reports.scope import ScopeError, report_allowed, scope_parse


class Command(BaseCommand):
    help = "Print or write one of the four reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=REPORTS)
        parser.add_argument("--scope", default="org")
        parser.add_argument("--period", required=True)
        parser.add_argument("--format", default="json", choices=["json", "csv", "xlsx", "pdf"])
        parser.add_argument(
            "--by", default="category", choices=["category", "subcategory", "channel"]
        )
        parser.add_argument("--user", help="as this staff user (their role and scope apply)")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scope = scope_parse(options["scope"])
            period = period_parse(options["period"])
        except (ScopeError, PeriodError) as exc:
            raise CommandError(str(exc)) from None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}")
            if not report_allowed(actor_for(user), scope):
                raise CommandError(f"{options['user']} may not see reports for {scope.code}")
        if options["format"] in ("xlsx", "pdf") and not options["output"]:
            raise CommandError(f"{options['format'].upper()} needs --output FILE")
        try:
            report = report_build(options["report"], scope=scope, period=period, by=options["by"])
            data = report_file(report, options["format"])
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        if options["output"]:
            with open(options["output"], "wb") as out:
                out.write(data)
            self.stderr.write(
                f"{options['report']} {scope.code} {period.code} → {options['output']}"
            )
        else:
            sys.stdout.buffer.write(
                data if options["format"] != "csv" else data.lstrip(b"\xef\xbb\xbf")
            )
            sys.stdout.flush()
