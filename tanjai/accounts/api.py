"""Bearer tokens: issue one, list one's own, revoke one or all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field, field_validator

from tanjai.accounts.models import ApiToken
from tanjai.accounts.selectors import tokens_of
from tanjai.accounts.services import (
    LockedOut,
    token_find,
    token_issue,
    token_revoke,
    tokens_revoke,
)
from tanjai.core.api import ErrorOut, StaffSession, client_address, error_body

router = Router(tags=["auth"])


class TokenBearer(HttpBearer):
    """The token itself as `request.auth`, for the operations about the token in hand."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_find(raw=token)
        if found is not None:
            request.user = found.user
        return found


class TokenRequest(Schema):
    username: str
    password: str
    name: str = Field(
        "", max_length=100, description="A label to tell one's tokens apart, e.g. 'nightly import'"
    )

    @field_validator("name")
    @classmethod
    def printable(cls, value: str) -> str:
        if any(not ch.isprintable() for ch in value):
            raise ValueError("control characters are not allowed")
        return value.strip()


class TokenResponse(Schema):
    token: str = Field(description="The secret: shown this once, never again")
    id: int
    name: str
    expires_at: datetime


class TokenOut(Schema):
    """One of one's tokens, without its secret (which is not kept)."""

    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = Field(description="To the minute")
    current: bool = Field(description="The token this request was made with")


class RevokedOut(Schema):
    revoked: int = Field(description="How many tokens were revoked")


@router.post("/token", auth=None, response={200: TokenResponse, 401: ErrorOut, 429: ErrorOut})
def token_create(request: HttpRequest, payload: TokenRequest) -> Any:
    """Exchange a username and password for a bearer token (Authorization: Bearer <token>).

    After 5 failures for a username from one address (20 from an address for any
    username) in 15 minutes: 429. Changing the password ends every token."""
    try:
        issued = token_issue(
            username=payload.username,
            password=payload.password,
            address=client_address(request),
            name=payload.name,
        )
    except LockedOut as exc:
        return Status(429, error_body(str(exc)))
    if issued is None:
        return Status(401, error_body("wrong username or password"))
    token = issued.token
    return Status(
        200,
        {"token": issued.raw, "id": token.pk, "name": token.name, "expires_at": token.expires_at},
    )


@router.delete(
    "/token",
    auth=TokenBearer(),
    response={204: None, 401: ErrorOut},
)
def token_delete(request: HttpRequest) -> Any:
    """Revoke the bearer token this request is made with (signing out a program)."""
    token_revoke(user=request.user, token_id=request.auth.pk)  # type: ignore[attr-defined]
    return Status(204, None)


@router.get(
    "/tokens",
    auth=[TokenBearer(), StaffSession()],
    response={200: list[TokenOut], 401: ErrorOut},
)
def token_list(request: HttpRequest) -> Any:
    """One's own live tokens, newest first: when made, when last used, their names."""
    current = request.auth.pk if isinstance(request.auth, ApiToken) else None  # type: ignore[attr-defined]
    return [
        {
            "id": t.pk,
            "name": t.name,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "current": t.pk == current,
        }
        for t in tokens_of(user=request.user)
    ]


@router.delete(
    "/tokens",
    auth=[TokenBearer(), StaffSession()],
    response={200: RevokedOut, 401: ErrorOut},
)
def tokens_delete(request: HttpRequest) -> Any:
    """Revoke every one of one's tokens, this one included (a lost laptop, a leaked script)."""
    return {"revoked": tokens_revoke(user=request.user)}


@router.delete(
    "/tokens/{token_id}",
    auth=[TokenBearer(), StaffSession()],
    response={204: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
)
def token_delete_by_id(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of one's tokens by its id (from the list); 404 for anyone else's."""
    if not token_revoke(user=request.user, token_id=token_id):
        return Status(404, error_body("no such token"))
    return Status(204, None)
