"""The reports as tables, and the tables as files: JSON, CSV, XLSX. One description of each
report's tables serves the screen and every download."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tanjai.core.dates import BANGKOK
from tanjai.core.periods import Period
from tanjai.core.text import csv_safe
from tanjai.improvement.services import READERS
from tanjai.reports import oversight, selectors
from tanjai.reports.scope import Scope, ScopeError
from tanjai.reports.selectors import SLA_KEYS
from tanjai.reports.services import reports_scope_refresh

REPORTS = ("category-sla", "satisfaction", "resolved", "results", "krs-quarter", "evaluation")
REPORT_CHOICES = [
    ("category-sla", gettext_lazy("Complaints by category and SLA")),
    ("results", gettext_lazy("Results of complaint handling")),
    ("satisfaction", gettext_lazy("Customer satisfaction")),
    ("resolved", gettext_lazy("Complaints fixed")),
    ("krs-quarter", gettext_lazy("The quarter for ครส. (organisation)")),
    ("evaluation", gettext_lazy("Evaluation of the process (สสส.)")),
]


class ReportError(ValueError):
    pass


def report_build(
    name: str,
    *,
    scope: Scope,
    period: Period,
    by: str = "category",
    limit: int | None = None,
    actor: Any = None,
) -> dict[str, Any]:
    """One report, as of now. `actor` (None from the command line) decides what names it
    may hold. The screen, the downloads, the API and the command line all ask here."""
    if name not in REPORTS:
        raise ReportError(
            _("No report %(name)s; one of: %(names)s.")
            % {"name": name, "names": ", ".join(REPORTS)}
        )
    if name == "category-sla" and by not in ("category", "subcategory", "channel"):
        raise ReportError(_("By is one of: category, subcategory, channel."))
    if name == "krs-quarter" and scope.level != "org":
        raise ReportError(_("The quarter for ครส. is for the whole organisation."))
    if name != "resolved":  # the list of fixes reads the complaints themselves
        reports_scope_refresh(scope=scope)
    if name == "category-sla":
        return selectors.category_sla(scope=scope, period=period, by=by)
    if name == "satisfaction":
        return selectors.satisfaction(scope=scope, period=period)
    if name == "resolved":
        return selectors.resolved(scope=scope, period=period, limit=limit)
    if name == "results":
        return selectors.results(scope=scope, period=period)
    if name == "evaluation":
        return oversight.evaluation(scope=scope, period=period)
    try:
        return oversight.krs_quarter(
            period=period, with_actions=actor is None or actor.has_any(READERS)
        )
    except ScopeError as exc:
        raise ReportError(str(exc)) from None


@dataclass
class Column:
    key: str
    heading: str
    kind: str = "int"  # int | float | share | hours | text | datetime


@dataclass
class Table:
    name: str  # the sheet's name
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]


def sla_labels() -> dict[str, str]:
    """How people name the category-sla figures, on screen and in every file."""
    return {
        "received": _("Received (complaints)"),
        "closed_within_sla": _("Closed within the target"),
        "closed_over_sla": _("Closed over the target"),
        "open_within_sla": _("Open, within the target"),
        "open_over_sla": _("Open, over the target"),
        "ended_not_applicable": _("Ended otherwise (duplicate, not relevant, transferred)"),
        "informed_within_24h": _("Told within 24 h"),
        "informed_over_24h": _("Told after 24 h"),
        "not_informed_within_24h": _("Not told yet, within 24 h"),
        "not_informed_over_24h": _("Not told yet, over 24 h"),
        "inform_not_applicable": _("Ended without being told"),
    }


def _sla_columns() -> list[Column]:
    labels = sla_labels()
    return [Column(k, str(labels[k])) for k in SLA_KEYS]


def _figure_columns(*keys: str) -> list[Column]:
    """Columns of the results' figures, each with one heading wherever it appears."""
    figures = {
        "received": (_("Received (complaints)"), "int"),
        "closed": (_("Closed"), "int"),
        "ended_otherwise": (_("Ended otherwise"), "int"),
        "open": (_("Still open"), "int"),
        "inform_target_met": (_("Told within 24 h (share)"), "share"),
        "resolve_target_met": (_("Resolved within the target (share)"), "share"),
        "reopen_rate": (_("Reopened (share)"), "share"),
        "repeat_customer_rate": (_("Customers complaining again within 90 days (share)"), "share"),
        "satisfaction_mean": (_("Satisfaction (mean, 1-5)"), "float"),
    }
    return [Column(key, str(figures[key][0]), figures[key][1]) for key in keys]


def _steps_table(report: dict[str, Any]) -> Table:
    return Table(
        "steps",
        _("Time per step (hours)"),
        [
            Column("label", _("Step"), "text"),
            Column("n", _("Complaints"), "int"),
            Column("mean_hours", _("Mean"), "hours"),
            Column("median_hours", _("Median"), "hours"),
        ],
        [{"step": k, **v} for k, v in report["steps"].items()],
    )


def report_tables(report: dict[str, Any]) -> list[Table]:
    name = report["report"]
    if name == "category-sla":
        lead = [Column("category_name", _("Category"), "text")]
        if report["by"] == "subcategory":
            lead.append(Column("subcategory_name", _("Subcategory"), "text"))
        elif report["by"] == "channel":
            lead.append(Column("channel_name", _("Channel"), "text"))
        totals = {"category_name": _("Total"), **report["totals"]}
        return [
            Table("category-sla", _("Complaints by category and SLA"), lead + _sla_columns(),
                  [*report["rows"], totals])
        ]  # fmt: skip
    if name == "satisfaction":
        figures = [
            Column("closed", _("Closed"), "int"),
            Column("answered", _("Answered"), "int"),
            Column("response_rate", _("Response rate"), "share"),
            Column("mean", _("Mean (1-5)"), "float"),
            *[Column(f"s{i}", str(i), "int") for i in range(1, 6)],
        ]

        def flat(rows: list[dict]) -> list[dict]:
            return [{**r, **{f"s{k}": v for k, v in r["distribution"].items()}} for r in rows]

        return [
            Table(
                "by-category",
                _("Satisfaction by category"),
                [Column("category_name", _("Category"), "text"), *figures],
                flat([*report["by_category"], {"category_name": _("Total"), **report["totals"]}]),
            ),
            Table(
                "by-branch",
                _("Satisfaction by branch"),
                [Column("branch_name", _("Branch"), "text"), *figures],
                flat(report["by_branch"]),
            ),
            Table(
                "comments",
                _("Comments"),
                [
                    Column("tracking_no", _("Tracking number"), "text"),
                    Column("score", _("Score"), "int"),
                    Column("comment", _("Comment"), "text"),
                    Column("answered_at", _("Answered"), "datetime"),
                ],
                report["comments"],
            ),
        ]
    if name == "resolved":
        return [
            Table(
                "resolved",
                _("Complaints whose fix was completed"),
                [
                    Column("tracking_no", _("Tracking number"), "text"),
                    Column("branch_place", _("Branch"), "text"),
                    Column("category_name", _("Category"), "text"),
                    Column("subcategory_name", _("Subcategory"), "text"),
                    Column("district", _("District"), "text"),
                    Column("province", _("Province"), "text"),
                    Column("received_at", _("Received"), "datetime"),
                    Column("informed_at", _("Customer told"), "datetime"),
                    Column("dispatched_at", _("Dispatched"), "datetime"),
                    Column("fixed_at", _("Fixed"), "datetime"),
                    Column("closed_at", _("Closed"), "datetime"),
                    Column("hours_to_inform", _("Hours to tell"), "hours"),
                    Column("hours_to_fix", _("Hours to fix"), "hours"),
                    Column("hours_to_close", _("Hours to close"), "hours"),
                    Column("fixed_by_due", _("Fixed by the due time"), "text"),
                ],
                report["rows"],
            )
        ]
    if name == "results":
        previous = report["previous"]
        lines = [
            (c.key, c.heading, c.kind)
            for c in _figure_columns(
                "received",
                "closed",
                "ended_otherwise",
                "open",
                "inform_target_met",
                "resolve_target_met",
                "reopen_rate",
                "satisfaction_mean",
            )
        ]
        summary = [
            {
                "figure": str(label),
                "kind": kind,
                "value": report[key],
                "previous": previous[key],
                "change": report["change"][key],
            }
            for key, label, kind in lines
        ]
        return [
            Table(
                "results",
                _("Results"),
                [
                    Column("figure", _("Figure"), "text"),
                    Column("value", report["period_name"], "mixed"),
                    Column("previous", previous["period_name"], "mixed"),
                    Column("change", _("Change"), "mixed"),
                ],
                summary,
            ),
            _steps_table(report),
            Table(
                "subcategories",
                _("Most frequent problems"),
                [
                    Column("name", _("Subcategory"), "text"),
                    Column("received", _("Received (complaints)")),
                ],
                report["top_subcategories"],
            ),
            Table(
                "places",
                _("Most frequent places"),
                [
                    Column("district", _("District"), "text"),
                    Column("province", _("Province"), "text"),
                    Column("received", _("Received (complaints)")),
                ],
                report["top_places"],
            ),
        ]
    if name == "krs-quarter":
        sla = _sla_columns()
        shares = _figure_columns("inform_target_met", "resolve_target_met")
        return [
            Table("by-region", _("By region"), [Column("region_name", _("Region"), "text"), *sla, *shares], report["by_region"]),
            Table("by-category", _("By category"), [Column("category_name", _("Category"), "text"), *sla],
                  [*report["by_category"], {"category_name": _("Total"), **report["totals"]}]),
            Table("trend", _("The last four quarters"), [
                Column("period_name", _("Quarter"), "text"),
                *_figure_columns("received", "closed", "open", "inform_target_met",
                                 "resolve_target_met", "reopen_rate", "satisfaction_mean"),
            ], report["trend"]),
            Table("recurring", _("Problems that keep coming back to the same district"), [
                Column("district", _("District"), "text"),
                Column("province", _("Province"), "text"),
                Column("subcategory_name", _("Subcategory"), "text"),
                Column("received", _("Received (complaints)")),
                Column("months", _("Months with complaints")),
            ], report["recurring"]),
            Table("actions", _("Improvement actions"), [
                Column("issue", _("Issue"), "text"),
                Column("action", _("Action"), "text"),
                Column("unit", _("Unit"), "text"),
                Column("owner", _("Owner"), "text"),
                Column("due_date", _("Due date"), "text"),
                Column("status_name", _("Status"), "text"),
                Column("overdue", _("Overdue"), "text"),
            ], report["actions"]),
        ]  # fmt: skip
    if name == "evaluation":
        shares = _figure_columns(
            "inform_target_met",
            "resolve_target_met",
            "reopen_rate",
            "repeat_customer_rate",
            "satisfaction_mean",
        )
        return [
            _steps_table(report),
            Table("side-by-side", _("Side by side"), [
                Column("unit_name", _("Unit"), "text"),
                Column("received", _("Received (complaints)")),
                *shares,
                Column("mean_hours_to_close", _("Mean hours to close"), "hours"),
            ], report["side_by_side"]),
            Table("over-time", _("Month by month"), [
                Column("month_name", _("Month"), "text"),
                Column("received", _("Received (complaints)")),
                *shares,
            ], report["over_time"]),
            Table("channels", _("Channel mix"), [
                Column("channel_name", _("Channel"), "text"),
                Column("received", _("Received (complaints)")),
                Column("share", _("Share"), "share"),
            ], report["channel_mix"]),
            Table("repeat-places", _("Places with repeated complaints"), [
                Column("district", _("District"), "text"),
                Column("province", _("Province"), "text"),
                Column("subcategory_name", _("Subcategory"), "text"),
                Column("received", _("Received (complaints)")),
            ], report["repeat_places"]),
        ]  # fmt: skip
    raise ReportError(name)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value, BANGKOK).isoformat()
    return value


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=1, default=_plain)


def to_csv(report: dict[str, Any]) -> str:
    """The report's tables one after another, each under its own heading line; the column
    names are the JSON keys."""

    out = io.StringIO()
    writer = csv.writer(out)
    for i, table in enumerate(report_tables(report)):
        if i:
            writer.writerow([])
            writer.writerow([f"# {table.name}"])
        writer.writerow([c.key for c in table.columns])
        for row in table.rows:
            writer.writerow(
                [
                    csv_safe(v) if isinstance(v := _plain(row.get(c.key)), str) else v
                    for c in table.columns
                ]
            )
    return out.getvalue()


def to_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet per table, with real numbers and dates (Bangkok time), bold headings and
    a title row naming the scope and period. Written row by row (openpyxl's write-only
    mode): tens of thousands of rows take seconds and little memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    formats = {
        "share": "0.0%",
        "float": "0.00",
        "hours": "0.0",
        "int": "#,##0",
        "datetime": "d mmm yyyy hh:mm",
    }
    title_font, bold = Font(bold=True, size=13), Font(bold=True)
    for table in report_tables(report):
        sheet = book.create_sheet(table.name[:31])
        for i, c in enumerate(table.columns, start=1):
            width = max(
                [len(str(c.heading))] + [len(str(r.get(c.key) or "")) for r in table.rows[:200]]
            )
            sheet.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)
        sheet.freeze_panes = "A3"

        def cell(
            value: Any, *, font: Any = None, number_format: str = "", sheet: Any = sheet
        ) -> Any:
            out = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                out.data_type = "s"  # text stays text: "=…" is never a formula
            if font is not None:
                out.font = font
            if number_format and value is not None:
                out.number_format = number_format
            return out

        title = f"{table.title} · {report['scope_name']} · {report['period_name']}"
        sheet.append([cell(title, font=title_font)])
        sheet.append([cell(str(c.heading), font=bold) for c in table.columns])
        for row in table.rows[:XLSX_ROWS]:
            values = []
            for c in table.columns:
                value = row.get(c.key)
                if isinstance(value, datetime):
                    value = timezone.localtime(value, BANGKOK).replace(tzinfo=None)
                elif isinstance(value, bool):
                    value = str(_("yes") if value else _("no"))
                kind = row.get("kind", c.kind) if c.kind == "mixed" else c.kind
                values.append(cell(value, number_format=formats.get(kind, "")))
            sheet.append(values)
        if len(table.rows) > XLSX_ROWS:
            sheet.append(
                [
                    _("The first %(shown)s of %(count)s rows; the CSV has them all.")
                    % {"shown": f"{XLSX_ROWS:,}", "count": f"{len(table.rows):,}"}
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# A file is made while the person waits (about 4,000 rows a second here): the long lists
# (every complaint fixed in a month or a year, organisation-wide) go whole to CSV only.
XLSX_ROWS = 50_000
