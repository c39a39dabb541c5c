"""Reads of the organisation for people: branches in the order a Thai reader looks for them."""

from __future__ import annotations

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
