"""A report as the file that is downloaded: JSON, CSV (with a BOM, for Excel), XLSX or PDF,
the same tables (exports.report_tables) in each."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from tanjai.reports.exports import ReportError, to_csv, to_json, to_xlsx
from tanjai.reports.pdf import to_pdf

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def report_file(report: dict[str, Any], fmt: str) -> bytes:
    if fmt == "json":
        return to_json(report).encode()
    if fmt == "csv":
        return ("\ufeff" + to_csv(report)).encode()
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "pdf":
        return to_pdf(report)
    raise ReportError(_("Format is one of: json, csv, xlsx, pdf."))


def report_response(report: dict[str, Any], fmt: str, *, attachment: bool = True) -> HttpResponse:
    """A report as the file a browser or a program downloads (the staff pages and the API),
    named after the report, its scope and its period; never cached."""
    response = HttpResponse(report_file(report, fmt), content_type=CONTENT_TYPES[fmt])
    if attachment:
        name = f"{report['report']}-{report['scope'].replace(':', '-')}-{report['period']}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
