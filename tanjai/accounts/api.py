from django.http import HttpRequest
from ninja import Router, Schema, Status

from tanjai.accounts.services import LockedOut, token_issue
from tanjai.core.api import ErrorOut, client_address, error_body

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str
    password: str


class TokenResponse(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenResponse, 401: ErrorOut, 429: ErrorOut})
def token_create(request: HttpRequest, payload: TokenRequest):
    """Exchange a username and password for a bearer token (Authorization: Bearer <token>).

    After 5 failures for a username (20 for an address) in 15 minutes: 429."""
    try:
        raw = token_issue(
            username=payload.username,
            password=payload.password,
            address=client_address(request),
        )
    except LockedOut as exc:
        return Status(429, error_body(str(exc)))
    if raw is None:
        return Status(401, error_body("wrong username or password"))
    return Status(200, {"token": raw})
