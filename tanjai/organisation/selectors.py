"""Reads of the organisation for people: branches in the order a Thai reader looks for them,
and the branch that serves a place."""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db.models import QuerySet

from tanjai.core.text import thai_sort_key
from tanjai.organisation.models import Branch


def branch_order(branch: Branch) -> tuple[str, str]:
    """Thai dictionary order of the Thai name (whatever the page's language), then code."""
    return (thai_sort_key(branch.name_th), branch.code)


def branches_in_thai_order(
    branches: QuerySet[Branch] | Iterable[Branch] | None = None,
) -> list[Branch]:
    """The branches (the active ones if none are given) by their Thai names."""
    if branches is None:
        branches = Branch.objects.filter(active=True)
    return sorted(branches, key=branch_order)


def branch_for_place(
    *, lat: float | None = None, lon: float | None = None, province: str = "", address: str = ""
) -> Branch | None:
    """The active branch that serves a place: the nearest office to a map pin; else the
    branch of the province (the one named after it, else its first by code); else that of
    the province named in a typed address (the longest name first, so that one province's
    name inside another's does not mislead)."""
    if lat is not None and lon is not None:
        nearest = _branch_nearest(lat=lat, lon=lon)
        if nearest is not None:
            return nearest
    if not province and address:
        provinces = set(
            Branch.objects.filter(active=True)
            .exclude(province_th="")
            .values_list("province_th", flat=True)
        )
        province = next((p for p in sorted(provinces, key=len, reverse=True) if p in address), "")
    if not province:
        return None
    branches = list(Branch.objects.filter(active=True, province_th=province).order_by("code"))
    for branch in branches:
        if province in branch.name_th:
            return branch
    return branches[0] if branches else None


def _branch_nearest(*, lat: float, lon: float) -> Branch | None:
    """The active branch whose office is nearest (equirectangular distance is plenty at
    the scale of a province)."""
    best, best_d = None, math.inf
    for branch in Branch.objects.filter(active=True, lat__isnull=False, lon__isnull=False):
        dx = (branch.lon - lon) * math.cos(math.radians(lat))  # type: ignore[operator]
        dy = branch.lat - lat  # type: ignore[operator]
        d = dx * dx + dy * dy
        if d < best_d:
            best, best_d = branch, d
    return best
