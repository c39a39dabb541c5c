"""API authentication shared by every router: bearer tokens, or the staff session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Schema
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field

from tanjai.accounts.scope import Actor, actor_for
from tanjai.accounts.services import token_user
from tanjai.core.inputs import NUL_MESSAGE, nul_paths


class ErrorOut(Schema):
    """Every error the API answers (400, 401, 403, 404, 409, 429) has this shape."""

    detail: str = Field(description="What went wrong, in the request's language")
    errors: dict[str, list[str]] = Field(
        description="Messages per field (the body's or the parameter's name); "
        "empty when the error is not about one field"
    )


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or {}}


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:

        user = token_user(raw=token)
        if user is not None:
            request.user = user  # type: ignore[assignment]
        return user


class StaffSession(SessionAuth):
    """The staff's signed-in session, for the browser's own calls. Its CSRF token is checked
    when there is a session to forge: a request with neither a token nor a session is not
    signed in (401), not a forgery (403)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


class InputParser(Parser):
    """ninja's parsing of JSON bodies, queries and forms, refusing NUL characters (which
    PostgreSQL cannot store, see core.inputs) with the field named, for every operation."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        _refuse_nul(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_nul(parsed)
        return parsed


def _refuse_nul(data: Any) -> None:
    if paths := nul_paths(data):
        message = str(NUL_MESSAGE)
        raise ValidationError([{"loc": p, "msg": message, "type": "value_error"} for p in paths])


def request_actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, from the trusted proxy's header when one is configured."""
    from django.conf import settings

    header = settings.CLIENT_IP_HEADER
    # X-Forwarded-For lists the hops: the last one is what our proxy saw.
    if header and (address := _ip_or_none(request.META.get(header, "").split(",")[-1])):
        return address
    return _ip_or_none(request.META.get("REMOTE_ADDR", ""))


def _ip_or_none(value: str) -> str | None:
    """An IP address from '203.0.113.7', '203.0.113.7:51234' or '[2001:db8::1]:443'."""
    import ipaddress

    value = value.strip()
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else value
    elif value.count(":") == 1:
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
