"""tanjai answers-back --format gcc1111 --period 2026-11 [--user NAME] --output FILE.csv

What PWA did with each case GCC 1111 or Damrongtham sent in a period, keyed by their case
number, for answering back."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanjai.accounts.scope import actor_for
from tanjai.channels.answers import answers_csv
from tanjai.channels.conversation import channel_actor
from tanjai.channels.models import ImportFormat
from tanjai.core.periods import PeriodError, period_parse


class Command(BaseCommand):
    help = "Write the answers to GCC 1111 or Damrongtham for the cases of a period (CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, help="import format code")
        parser.add_argument("--period", required=True, help="2026-11, FY2569-Q1, FY2569, …")
        parser.add_argument("--user", help="as this staff user's scope (default: all)")
        parser.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = ImportFormat.objects.select_related("channel").filter(code=options["format"]).first()
        if fmt is None:
            raise CommandError(f"No import format {options['format']!r}")
        try:
            period = period_parse(options["period"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        actor = channel_actor(fmt.channel.code)
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}")
            actor = actor_for(user)
        with open(options["output"], "w", encoding="utf-8-sig", newline="") as out:
            n = answers_csv(actor=actor, fmt=fmt, period=period, out=out)
        self.stdout.write(f"{n} cases of {period.label} written to {options['output']}")
