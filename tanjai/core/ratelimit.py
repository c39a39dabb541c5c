"""Rate limits shared by every web and worker process, kept in the database.

A hit is written first and the window counted after, so parallel requests can never get
more through than the limit (at worst one more is refused)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from tanjai.core.models import RateHit


@dataclass(frozen=True)
class Limit:
    bucket: str
    count: int
    window: timedelta


def _key(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def address_key(address: str) -> str:
    """An IPv6 client controls its whole /64: count it as one address."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def rate_hit(limit: Limit, value: str, *, now: datetime | None = None) -> bool:
    """Count one request for `value` (an address, a phone); False when over the limit."""
    now = now or timezone.now()
    key = _key(value)
    recent = RateHit.objects.filter(bucket=limit.bucket, key=key, at__gt=now - limit.window)
    if recent.count() >= limit.count:
        return False  # over already: a flood adds no rows
    RateHit.objects.create(bucket=limit.bucket, key=key, at=now)
    return recent.count() <= limit.count


def rate_exceeded(limit: Limit, value: str, *, now: datetime | None = None) -> bool:
    """Whether `value` is over the limit now, without counting a request."""
    now = now or timezone.now()
    recent = RateHit.objects.filter(bucket=limit.bucket, key=_key(value), at__gt=now - limit.window)
    return recent.count() >= limit.count


def rate_hits_prune(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Forget hits older than any window (a periodic job)."""
    deleted, _ = RateHit.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted
