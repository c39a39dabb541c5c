"""The `tanjai` command: Django's management commands under friendlier names.

tanjai serve | worker | scheduler | createuser | seed-demo | import-branches | import-cases | bench | …
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "serve": "tanjai_serve",
    "worker": "tanjai_worker",
    "scheduler": "tanjai_scheduler",
    "createuser": "tanjai_createuser",
    "unlock": "tanjai_unlock",
    "revoke-tokens": "tanjai_revoke_tokens",
    "seed-demo": "seed_demo",
    "seed": "tanjai_seed",
    "import-branches": "import_branches",
    "bench": "tanjai_bench",
    "sla-watch": "sla_watch",
    "smtpd": "tanjai_smtpd",
    "import-cases": "tanjai_import",
    "answers-back": "tanjai_answers",
    "report": "tanjai_report",
    "bench-reports": "tanjai_bench_reports",
    "reports-rebuild": "tanjai_reports_rebuild",
    "backup": "tanjai_backup",
    "restore": "tanjai_restore",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanjai.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
