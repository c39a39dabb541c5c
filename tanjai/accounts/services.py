"""Staff accounts and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from django.utils import timezone

from tanjai.accounts.models import (
    ApiToken,
    LoginFailure,
    PersonalDataAccess,
    ScopeLevel,
    StaffProfile,
    token_hash,
)
from tanjai.accounts.roles import Role
from tanjai.organisation.models import Branch, Region


class ScopeError(ValueError):
    pass


def roles_seed() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def scope_parse(text: str) -> tuple[str, Region | None, Branch | None]:
    """Parse 'org', 'region:N' or 'branch:CODE'."""
    if text == "org":
        return ScopeLevel.ORG, None, None
    kind, _, value = text.partition(":")
    if kind == "region":
        try:
            return ScopeLevel.REGION, Region.objects.get(number=int(value)), None
        except (ValueError, Region.DoesNotExist):
            raise ScopeError(f"no region {value!r}; use region:1 … region:10") from None
    if kind == "branch":
        branch = Branch.objects.filter(code=value.lower()).select_related("region").first()
        if branch is None:
            raise ScopeError(f"no branch with code {value!r}")
        return ScopeLevel.BRANCH, branch.region, branch
    raise ScopeError(f"scope {text!r} must be org, region:N or branch:CODE")


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    scope: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> AbstractUser:
    """Create or update a staff account with one role and its scope."""
    if role not in {r.value for r in Role}:
        raise ValueError(f"unknown role {role!r}; one of: {', '.join(r.value for r in Role)}")
    level, region, branch = scope_parse(scope)
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.set_password(password)
    user.save()
    roles_seed()
    user.groups.set([Group.objects.get(name=role)])
    StaffProfile.objects.update_or_create(
        user=user, defaults={"scope_level": level, "region": region, "branch": branch}
    )
    return user  # type: ignore[return-value]


LOCKOUT_FAILURES_PER_USER = 5
LOCKOUT_FAILURES_PER_ADDRESS = 20
LOCKOUT_WINDOW = timedelta(minutes=15)


class LockedOut(Exception):
    """Too many failed sign-ins for this username or address; try again later."""


def sign_in(*, username: str, password: str, address: str | None) -> Any:
    """Check a password under the lockout rules; the user, or None for wrong credentials.

    Every attempt is written down before the (slow) password check and counted with the
    others, so guesses sent in parallel cannot slip past the limit; a right password
    removes its own row. While locked, even a right password is refused, so a guesser
    learns nothing. Raises LockedOut.
    """
    attempt = LoginFailure.objects.create(username=username[:150], address=address)
    recent = LoginFailure.objects.filter(at__gte=timezone.now() - LOCKOUT_WINDOW)
    user_failures = recent.filter(username=username[:150]).count()
    address_failures = recent.filter(address=address).count() if address else 0
    if user_failures > LOCKOUT_FAILURES_PER_USER or address_failures > LOCKOUT_FAILURES_PER_ADDRESS:
        attempt.delete()  # a refused attempt checked no password: it does not extend the lock
        whom = (
            f"for {username}" if user_failures > LOCKOUT_FAILURES_PER_USER else "from this address"
        )
        raise LockedOut(f"too many failed sign-ins {whom}; try again in 15 minutes")
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
        return None
    attempt.delete()
    return user


def token_issue(*, username: str, password: str, address: str | None = None) -> str | None:
    """A new bearer token for valid credentials, or None. The raw token is shown only once.

    Raises LockedOut after repeated failures."""
    user = sign_in(username=username, password=password, address=address)
    if user is None:
        return None
    raw = ApiToken.new_raw_key()
    ApiToken.objects.create(
        user=user,
        key_hash=token_hash(raw),
        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    return raw


def token_user(*, raw: str) -> AbstractUser | None:
    token = (
        ApiToken.objects.filter(key_hash=token_hash(raw), expires_at__gt=timezone.now())
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: the column is for audit, not worth a write per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user  # type: ignore[return-value]


def personal_data_access_log(
    *, user_id: int, complaint_id: int, via: str, purpose: str = ""
) -> None:
    PersonalDataAccess.objects.create(
        user_id=user_id, complaint_id=complaint_id, via=via, purpose=purpose
    )
