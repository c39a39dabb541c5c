"""Writes of shared infrastructure."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F

from tanjai.core.models import TrackingCounter
from tanjai.core.tracking import tracking_format

BANGKOK = ZoneInfo("Asia/Bangkok")


def be_year(at: datetime) -> int:
    return at.astimezone(BANGKOK).year + 543


def tracking_numbers_allocate(*, at: datetime, count: int = 1) -> list[str]:
    """Reserve `count` consecutive tracking numbers in the Buddhist Era year of `at`.

    The counter row is updated in place (UPDATE … SET last = last + n), which takes a row
    lock until the surrounding transaction commits: two registrations never get the same
    number, and a rolled-back registration gives its number back.
    """
    year = be_year(at)
    with transaction.atomic():
        for _attempt in range(3):
            updated = TrackingCounter.objects.filter(be_year=year).update(last=F("last") + count)
            if updated:
                break
            try:
                with transaction.atomic():
                    TrackingCounter.objects.create(be_year=year, last=0)
            except IntegrityError:
                pass  # another registration created it first; update it now
        last = TrackingCounter.objects.get(be_year=year).last
    return [tracking_format(year, seq) for seq in range(last - count + 1, last + 1)]
