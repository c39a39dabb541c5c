"""The REST API under /api/v1/: routers of each app, one error shape for all."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema

from tanjai.accounts.api import router as accounts_router
from tanjai.complaints.api import router as complaints_router
from tanjai.complaints.errors import WorkflowError
from tanjai.core.api import BearerToken, ErrorOut, InputParser, StaffSession, error_body
from tanjai.reference.api import router as reference_router
from tanjai.reports.api import router as reports_router

# What the document says of the errors every operation may answer, whatever its router.
UNAUTHORISED = "Not signed in: no bearer token (or staff session), or one that has expired"
BAD_INPUT = "Bad input: `errors` names each field or parameter and what is wrong with it"
TOO_LARGE = "The body is larger than the server takes (DATA_UPLOAD_MAX_MEMORY_SIZE)"

logger = logging.getLogger(__name__)


class TanjaiAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        return openapi_complete(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )


def openapi_complete(schema: OpenAPISchema) -> OpenAPISchema:
    """Add the answers that every router shares to each operation: 401 wherever a token is
    needed (the authentication runs before the operation, so no router declares it), 400
    wherever parameters or a body are checked (a path's too: a number that is not one), and
    413 wherever a body is taken."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template=REF_TEMPLATE))
    error = {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(model="ErrorOut")}}}
    for methods in schema["paths"].values():
        for operation in methods.values():
            responses = operation["responses"]
            checked = operation.get("requestBody") or operation.get("parameters")
            if checked and 400 not in responses:
                responses[400] = {"description": BAD_INPUT, "content": error}
            if operation.get("requestBody") and 413 not in responses:
                responses[413] = {"description": TOO_LARGE, "content": error}
            if operation.get("security") and 401 not in responses:
                responses[401] = {"description": UNAUTHORISED, "content": error}
            operation["responses"] = dict(sorted(responses.items(), key=lambda r: str(r[0])))
    return schema


api = TanjaiAPI(
    title="Tanjai API",
    version="1",
    description="Complaint management for the Provincial Waterworks Authority (กปภ.). "
    "Every error has the shape `{detail, errors}` (schema `ErrorOut`).",
    urls_namespace="api-v1",
    auth=[BearerToken(), StaffSession()],
    parser=InputParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(WorkflowError)
def workflow_error(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
    return api.create_response(request, error_body(exc.message, exc.errors), status=exc.status)


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
    return api.create_response(request, error_body("invalid request", errors), status=400)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, error_body("authentication required"), status=401)


@api.exception_handler(PermissionError)
def permission_error(request: HttpRequest, exc: PermissionError) -> HttpResponse:
    return api.create_response(request, error_body(str(exc) or "forbidden"), status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not found"), status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals: a session's POST without its CSRF token (403), throttling (429),
    a body that is not JSON (400)."""
    if isinstance(exc.__cause__, ValidationError):
        # ninja wraps what the body's parser refuses (InputParser: a NUL in a field).
        return validation_error(request, exc.__cause__)
    return api.create_response(request, error_body(exc.message), status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def body_too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Django's refusal of a body over its limits, in the error shape instead of its HTML page."""
    logger.warning("API request refused: %s (%s)", exc, request.path)
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return api.create_response(
            request, error_body(f"request body too large: at most {limit} bytes"), status=413
        )
    return api.create_response(request, error_body(f"request body refused: {exc}"), status=400)


api.add_router("/auth", accounts_router)
api.add_router("/", reference_router)
api.add_router("/complaints", complaints_router)
api.add_router("/reports", reports_router)

# Last: a path that names no operation is a 404 in the error shape, not the site's HTML page.
unknown_paths = Router()


@unknown_paths.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def path_unknown(request: HttpRequest, rest: str) -> HttpResponse:
    raise Http404


api.add_router("/", unknown_paths)
