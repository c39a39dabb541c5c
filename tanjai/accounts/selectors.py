"""Reads about staff accounts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tanjai.accounts.models import ApiToken


def tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    """The user's tokens that still open the API, newest first."""
    return ApiToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), password_mark=user.get_session_auth_hash()
    ).order_by("-created_at", "-pk")
