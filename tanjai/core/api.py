"""API authentication shared by every router: bearer tokens, or the staff session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from tanjai.accounts.scope import Actor, actor_for


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from tanjai.accounts.services import token_user

        user = token_user(raw=token)
        if user is not None:
            request.user = user  # type: ignore[assignment]
        return user


def request_actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, from the trusted proxy's header when one is configured."""
    from django.conf import settings

    if settings.CLIENT_IP_HEADER and (value := request.META.get(settings.CLIENT_IP_HEADER)):
        # X-Forwarded-For lists the hops: the last one is what our proxy saw.
        return value.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR")
