"""Staff accounts and API tokens."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from tanjai.accounts.models import (
    ApiToken,
    LoginFailure,
    PersonalDataAccess,
    ScopeLevel,
    StaffProfile,
    token_hash,
)
from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
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
    """Create or update a staff account with one role and its scope.

    The password must pass the password validators (raises ValidationError); setting it
    again ends the account's API tokens."""
    if role not in {r.value for r in Role}:
        raise ValueError(f"unknown role {role!r}; one of: {', '.join(r.value for r in Role)}")
    level, region, branch = scope_parse(scope)
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User(username=username)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    password_validation.validate_password(password, user)
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.set_password(password)
    user.save()
    tokens_revoke(user=user)
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
    """Too many failed sign-ins for this username from this address, or from this address
    for any username; try again later."""


def lockout_address(address: str | None) -> str | None:
    """The address that sign-in failures count against: an IPv6 client's whole /64, which
    one machine usually has to itself, so that changing the last bits does not reset it."""
    if not address:
        return None
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)
    return str(ip)


def sign_in(*, username: str, password: str, address: str | None) -> Any:
    """Check a password under the lockout rules; the user, or None for wrong credentials.

    Failures lock a username only from the address they come from, so that anyone who
    knows a username cannot lock its owner out; an address that fails for many usernames
    is locked for all of them. Every attempt is written down before the (slow) password
    check and counted with the others, so guesses sent in parallel cannot slip past the
    limit; a right password removes its own row. While locked, even a right password is
    refused, so a guesser learns nothing. Raises LockedOut.
    """
    username = username[:150]
    address = lockout_address(address)
    attempt = LoginFailure.objects.create(username=username, address=address)
    recent = LoginFailure.objects.filter(at__gte=timezone.now() - LOCKOUT_WINDOW)
    user_failures = recent.filter(username=username, address=address).count()
    address_failures = recent.filter(address=address).count() if address else 0
    if user_failures > LOCKOUT_FAILURES_PER_USER or address_failures > LOCKOUT_FAILURES_PER_ADDRESS:
        attempt.delete()  # a refused attempt checked no password: it does not extend the lock
        whom = (
            f"for {username} from this address"
            if user_failures > LOCKOUT_FAILURES_PER_USER
            else "from this address"
        )
        raise LockedOut(f"too many failed sign-ins {whom}; try again in 15 minutes")
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
        return None
    attempt.delete()
    return user


def sign_in_unlock(*, username: str) -> int:
    """Lift the lockout of a username (from every address): the number of failures cleared."""
    deleted, _ = LoginFailure.objects.filter(username=username[:150]).delete()
    return deleted


class IssuedToken(NamedTuple):
    raw: str  # the secret, shown once: only its hash is kept
    token: ApiToken


def token_issue(
    *, username: str, password: str, address: str | None = None, name: str = ""
) -> IssuedToken | None:
    """A new bearer token for valid credentials, or None.

    Raises LockedOut after repeated failures."""
    user = sign_in(username=username, password=password, address=address)
    if user is None:
        return None
    now = timezone.now()
    mark = user.get_session_auth_hash()
    # Tidy the user's dead tokens while here: expired, or issued under an earlier password.
    ApiToken.objects.filter(user=user).filter(
        Q(expires_at__lte=now) | ~Q(password_mark=mark)
    ).delete()
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=user,
        key_hash=token_hash(raw),
        name=name,
        password_mark=mark,
        expires_at=now + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    return IssuedToken(raw, token)


def token_find(*, raw: str) -> ApiToken | None:
    """The live token with this secret, or None; marks it used."""
    token = (
        ApiToken.objects.filter(key_hash=token_hash(raw), expires_at__gt=timezone.now())
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if not constant_time_compare(token.password_mark, token.user.get_session_auth_hash()):
        token.delete()  # the password changed since it was issued: revoked when first shown
        return None
    now = timezone.now()
    # Touch at most once a minute: the column is for audit, not worth a write per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_user(*, raw: str) -> AbstractUser | None:
    token = token_find(raw=raw)
    return token.user if token is not None else None  # type: ignore[return-value]


def token_revoke(*, user: Any, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if the user has no such token."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0


def tokens_revoke(*, user: Any) -> int:
    """Revoke every token of the user: the number revoked."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def personal_data_access_log(
    *,
    user_id: int,
    complaint_id: int | None = None,
    via: str,
    purpose: str = "",
    subject: str = "",
) -> None:
    """Staff were shown a person's data: a complaint's, or `subject`'s (what is not a
    complaint yet, such as an import's rejected rows)."""
    PersonalDataAccess.objects.create(
        user_id=user_id, complaint_id=complaint_id, via=via, purpose=purpose, subject=subject[:200]
    )


def personal_data_shown(
    *, actor: Actor, complaint_ids: Iterable[int], via: str, purpose: str = ""
) -> None:
    """The actor was shown the customers of these complaints: one entry each in the access
    log (none for the system, which is no person)."""
    if actor.user_id is None:
        return
    for complaint_id in complaint_ids:
        personal_data_access_log(
            user_id=actor.user_id, complaint_id=complaint_id, via=via, purpose=purpose
        )
