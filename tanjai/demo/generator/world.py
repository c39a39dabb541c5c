"""The world: everything read once (reference data, branches, SLA targets, calendar), and the
demo technicians the complaints are dispatched to."""

from __future__ import annotations

import bisect
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from tanjai.accounts.models import ScopeLevel, StaffProfile
from tanjai.accounts.roles import Role
from tanjai.demo import corpus
from tanjai.demo.generator.constants import (
    CATEGORY_WEIGHTS,
    CHANNEL_WEIGHTS,
    HOUR_WEIGHTS,
    SATISFACTION_WEIGHTS,
    SUBCATEGORY_WEIGHTS,
)
from tanjai.organisation.models import Branch, Unit, UnitKind
from tanjai.reference.models import Category, Channel, Subcategory
from tanjai.sla.escalation import Targets
from tanjai.sla.services import calendar_current, targets_for


class Picker:
    """Weighted choice by bisecting cumulative weights: faster than random.choices per call."""

    def __init__(self, rng: random.Random, items: Sequence[Any], weights: Sequence[float]):
        if not items:
            raise ValueError("nothing to pick from")
        self.rng, self.items = rng, list(items)
        self.cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def __call__(self) -> Any:
        return self.items[bisect.bisect_right(self.cum, self.rng.random() * self.total)]


@dataclass(frozen=True)
class _BranchInfo:
    branch: Branch
    centre: Unit
    districts: list[str]
    technicians: list[tuple[int, str]]
    centre_actor: tuple[str, int | None]
    officer_actor: tuple[str, int | None]


# --- the world: everything read once -----------------------------------------------------


class World:
    def __init__(
        self,
        rng: random.Random,
        technicians_per_branch: int,
        branch_codes: Sequence[str] | None = None,
    ) -> None:
        self.rng = rng
        self.calendar = calendar_current()
        channels = list(Channel.objects.filter(active=True))
        self.channel = Picker(rng, channels, [CHANNEL_WEIGHTS.get(c.code, 1) for c in channels])
        self.channels = channels
        subs = list(Subcategory.objects.filter(active=True, category__active=True))
        categories = {c.pk: c for c in Category.objects.filter(active=True)}
        pairs: list[tuple[Category, Subcategory | None]] = []
        weights: list[float] = []
        per_category = Counter(s.category_id for s in subs)
        for s in subs:
            cat = categories[s.category_id]
            pairs.append((cat, s))
            weights.append(
                CATEGORY_WEIGHTS.get(cat.code, 3)
                * SUBCATEGORY_WEIGHTS.get(s.code, 1)
                / _category_mass(subs, s.category_id)
            )
        for cat in categories.values():
            if not per_category[cat.pk]:
                pairs.append((cat, None))
                weights.append(CATEGORY_WEIGHTS.get(cat.code, 3))
        self.pairs = pairs
        self.pair_of = {(c.pk, s.pk if s else None): (c, s) for c, s in pairs}
        self.pair = Picker(rng, pairs, weights)
        self.categories = list(categories.values())
        # SLA targets per (category, subcategory): one query each, not one per complaint.
        self.targets: dict[tuple[int, int | None], Targets] = {
            (c.pk, s.pk if s else None): targets_for(
                category_id=c.pk, subcategory_id=s.pk if s else None
            )
            for c, s in pairs
        }
        centres = {u.branch_id: u for u in Unit.objects.filter(kind=UnitKind.CENTRE, active=True)}
        active = Branch.objects.filter(active=True).select_related("region")
        if branch_codes:
            active = active.filter(code__in=list(branch_codes))
        branches = [b for b in active if b.pk in centres]
        if not branches:
            raise ValueError("no active branch with a Prapa Tanjai centre among those asked for")
        self.technicians_created = technicians_ensure(
            branches=branches, per_branch=technicians_per_branch, rng=rng
        )
        User = get_user_model()
        user_ids: dict[str, int] = dict(User.objects.values_list("username", "id"))
        techs: dict[int, list[tuple[int, str]]] = {}
        for name, branch_id in StaffProfile.objects.filter(
            user__groups__name=Role.TECHNICIAN, user__is_active=True, branch__isnull=False
        ).values_list("user__username", "branch_id"):
            techs.setdefault(branch_id, []).append((user_ids[name], name))
        self.user_ids = user_ids
        self.branches: list[_BranchInfo] = []
        for b in branches:
            districts = corpus.DISTRICTS.get(b.province_en) or [
                f"เมือง{b.province_th}" if b.province_th else "เมือง"
            ]
            self.branches.append(
                _BranchInfo(
                    branch=b,
                    centre=centres[b.pk],
                    districts=districts,
                    technicians=_demo_technicians(b, techs.get(b.pk, [])),
                    centre_actor=self.actor(f"centre.{b.code}"),
                    officer_actor=self.actor(f"officer.{b.code}"),
                )
            )
        # Special-class branches are busier; every branch a little different from the next.
        self.branch = Picker(
            rng,
            self.branches,
            [(3.0 if bi.branch.special else 1.0) * rng.uniform(0.6, 1.4) for bi in self.branches],
        )
        self.callcentre = self.actor("callcentre")
        self.system: tuple[str, int | None] = ("system", None)
        self.hour = Picker(rng, range(24), HOUR_WEIGHTS)
        self.satisfaction = Picker(
            rng, list(SATISFACTION_WEIGHTS), list(SATISFACTION_WEIGHTS.values())
        )
        self.houses = [
            f"{rng.randint(1, 400)}"
            if rng.random() < 0.4
            else f"{rng.randint(1, 199)}/{rng.randint(1, 40)}"
            for _ in range(300)
        ]

    def actor(self, username: str) -> tuple[str, int | None]:
        return username, self.user_ids.get(username)


def _demo_technicians(branch: Branch, technicians: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The branch's demo technicians (tech<k>.<branch>), else whoever is a technician there."""
    demo = [t for t in technicians if t[1].startswith("tech") and t[1].endswith(f".{branch.code}")]
    chosen = sorted(demo or technicians, key=lambda t: t[1])
    if not chosen:
        raise ValueError(
            f"branch {branch.code} has no technician to dispatch; "
            "use --technicians-per-branch 1 or more"
        )
    return chosen


def _category_mass(subs: list[Subcategory], category_id: int) -> float:
    return sum(SUBCATEGORY_WEIGHTS.get(s.code, 1) for s in subs if s.category_id == category_id)


def technicians_ensure(*, branches: list[Branch], per_branch: int, rng: random.Random) -> int:
    """tech<k>.<branch> for every branch, technician role, branch scope, no usable password.

    Three bulk inserts, whatever the number of branches; existing accounts are left alone.
    """
    if per_branch <= 0:
        return 0
    User = get_user_model()
    wanted = {f"tech{k}.{b.code}": b for b in branches for k in range(1, per_branch + 1)}
    existing = set(
        User.objects.filter(username__in=list(wanted)).values_list("username", flat=True)
    )
    missing = [name for name in wanted if name not in existing]
    if not missing:
        return 0
    group, _ = Group.objects.get_or_create(name=Role.TECHNICIAN)
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    username=name,
                    first_name=rng.choice(corpus.FIRST_NAMES),
                    last_name=rng.choice(corpus.LAST_NAMES),
                    password=make_password(None),
                    is_active=True,
                )
                for name in missing
            ]
        )
        ids = dict(User.objects.filter(username__in=missing).values_list("username", "id"))
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=ids[name], group_id=group.pk) for name in missing],
            ignore_conflicts=True,
        )
        StaffProfile.objects.bulk_create(
            [
                StaffProfile(
                    user_id=ids[name],
                    scope_level=ScopeLevel.BRANCH,
                    branch=wanted[name],
                    region_id=wanted[name].region_id,
                )
                for name in missing
            ]
        )
    return len(missing)
