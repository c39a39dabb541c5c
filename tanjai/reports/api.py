"""The reports over the API: the same figures as the screen and the command line.

GET /api/v1/reports/{report}?scope=org|region:N|branch:CODE&period=…&by=…&format=json|csv|xlsx
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import WithJsonSchema

from tanjai.accounts.scope import actor_for
from tanjai.complaints.errors import Forbidden, InvalidInput
from tanjai.core.api import ErrorOut
from tanjai.core.periods import PeriodError, period_parse
from tanjai.reports.exports import (
    REPORTS,
    ReportError,
    report_build,
    to_json,
)
from tanjai.reports.files import report_response
from tanjai.reports.scope import REPORT_ROLES, ScopeError, report_allowed, scope_of, scope_parse
from tanjai.reports.submissions import datacenter_month

router = Router(tags=["reports"])


class ReportQuery(Schema):
    period: str
    scope: str = ""
    by: Literal["category", "subcategory", "channel"] = "category"
    format: Literal["json", "csv", "xlsx", "pdf"] = "json"


# Documented as the list of reports; checked in the view, so that an unknown name gets the
# same translated answer as on the command line, in the error shape.
ReportName = Annotated[
    str, WithJsonSchema({"type": "string", "enum": list(REPORTS), "description": "The report"})
]


@router.get(
    "/{report}",
    response={200: dict, 400: ErrorOut, 403: ErrorOut},
    summary="A report: " + ", ".join(REPORTS),
    description="JSON, or a file (`format` csv, xlsx or pdf). 403: the report, or the scope "
    "asked for, is outside the caller's role or scope.",
)
def report_get(
    request: HttpRequest, report: Path[ReportName], q: Query[ReportQuery]
) -> HttpResponse:
    if report not in REPORTS:
        message = _("No report %(name)s; one of: %(names)s.") % {
            "name": report,
            "names": ", ".join(REPORTS),
        }
        raise InvalidInput(message, errors={"report": [message]})
    actor = actor_for(request.user)
    if not actor.has_any(REPORT_ROLES):
        raise Forbidden("Reports are outside your role.")
    try:
        scope = scope_parse(q.scope) if q.scope else scope_of(actor)
        period = period_parse(q.period)
    except ScopeError as exc:
        raise InvalidInput(str(exc), errors={"scope": [str(exc)]}) from None
    except PeriodError as exc:
        raise InvalidInput(str(exc), errors={"period": [str(exc)]}) from None
    if not report_allowed(actor, scope):
        raise Forbidden(f"Reports for {scope.code} are outside your role or scope.")
    try:
        data = report_build(report, scope=scope, period=period, by=q.by, actor=actor)
    except ReportError as exc:
        raise InvalidInput(str(exc)) from None
    return report_response(data, q.format, attachment=q.format != "json")


@router.get(
    "/monthly/{month}/datacenter",
    response={200: dict, 400: ErrorOut, 403: ErrorOut},
    summary="A month as the regions submitted it, in the Data Center's format (tanjai-monthly/1)",
)
def datacenter_get(request: HttpRequest, month: str) -> HttpResponse:

    actor = actor_for(request.user)
    if not report_allowed(actor, scope_parse("org")):
        raise Forbidden("The Data Center export is for head office.")
    try:
        period = period_parse(month)
    except PeriodError as exc:
        raise InvalidInput(str(exc), errors={"month": [str(exc)]}) from None
    if period.kind != "month":
        raise InvalidInput("Give a month such as 2026-10.", errors={"month": ["a month"]})
    return HttpResponse(to_json(datacenter_month(period.first)), content_type="application/json")
