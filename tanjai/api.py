"""The REST API under /api/v1/: routers of each app, one error shape for all."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from tanjai.accounts.api import router as accounts_router
from tanjai.complaints.api import router as complaints_router
from tanjai.complaints.errors import WorkflowError
from tanjai.core.api import BearerToken
from tanjai.reference.api import router as reference_router
from tanjai.reports.api import router as reports_router

api = NinjaAPI(
    title="Tanjai API",
    version="1",
    description="Complaint management for the Provincial Waterworks Authority (กปภ.)",
    urls_namespace="api-v1",
    auth=[BearerToken(), django_auth],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(WorkflowError)
def workflow_error(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.errors:
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """400 with errors per field (the body's fields named without the 'body.payload.' prefix)."""
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", [])]
        while loc and loc[0] in {"body", "query", "path", "payload", "form", "header"}:
            loc = loc[1:]
        field = ".".join(loc) or "__all__"
        errors.setdefault(field, []).append(
            str(err.get("msg", "invalid")).removeprefix("Value error, ")
        )
    return api.create_response(request, {"detail": "invalid request", "errors": errors}, status=400)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "authentication required"}, status=401)


@api.exception_handler(PermissionError)
def permission_error(request: HttpRequest, exc: PermissionError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


api.add_router("/auth", accounts_router)
api.add_router("/", reference_router)
api.add_router("/complaints", complaints_router)
api.add_router("/reports", reports_router)
