"""Reads of complaints, always through the actor's scope."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tanjai.accounts.models import ScopeLevel
from tanjai.accounts.roles import IDENTITY_ROLES, RESTRICTED_IDENTITY_ROLES, Role
from tanjai.accounts.scope import Actor
from tanjai.complaints.models import Complaint
from tanjai.complaints.workflow import OPEN_STATES
from tanjai.core.text import search_words

# Roles that see complaints across their whole scope; a technician sees only their work.
_SCOPE_READERS = frozenset(Role) - {Role.TECHNICIAN}


def _technician_filter(actor: Actor) -> Q:
    from tanjai.dispatch.models import WorkOrder

    if actor.user_id is None:
        return Q(pk__in=[])
    return Q(
        Exists(WorkOrder.objects.filter(complaint_id=OuterRef("pk"), assignees__id=actor.user_id))
    )


def complaints_visible_to(*, actor: Actor) -> QuerySet[Complaint]:
    qs = Complaint.objects.all()
    if actor.is_admin:
        return qs
    if not actor.roles & _SCOPE_READERS:
        if Role.TECHNICIAN in actor.roles:
            return qs.filter(_technician_filter(actor))
        return qs.none()
    if actor.scope_level == ScopeLevel.ORG:
        return qs
    if actor.scope_level == ScopeLevel.REGION and actor.region_id is not None:
        return qs.filter(region_id=actor.region_id)
    if actor.scope_level == ScopeLevel.BRANCH and actor.branch_id is not None:
        return qs.filter(branch_id=actor.branch_id)
    return qs.none()


def complaint_visible(*, actor: Actor, complaint: Complaint) -> bool:
    if actor.is_admin:
        return True
    if actor.roles & _SCOPE_READERS and actor.covers(
        region_id=complaint.region_id, branch_id=complaint.branch_id
    ):
        return True
    if Role.TECHNICIAN in actor.roles and actor.user_id is not None:
        from tanjai.dispatch.models import WorkOrder

        return WorkOrder.objects.filter(
            complaint_id=complaint.pk, assignees__id=actor.user_id
        ).exists()
    return False


def complaint_get(*, actor: Actor, tracking_no: str) -> Complaint | None:
    """A complaint the actor may see, or None (the caller answers 404 either way)."""
    complaint = (
        Complaint.objects.select_related(
            "channel", "category", "subcategory", "branch", "region", "unit"
        )
        .filter(tracking_no=tracking_no)
        .first()
    )
    if complaint is None or not complaint_visible(actor=actor, complaint=complaint):
        return None
    return complaint


def identity_visible(*, actor: Actor, complaint: Complaint) -> bool:
    """PDPA: the complainant's identity only for roles that handle the case (a technician
    while their work order is open); for restricted categories (staff conduct, misconduct)
    only for the branch manager and administrators, plus the officer who registered it."""
    if complaint.category.restricted_identity:
        return actor.has_any(RESTRICTED_IDENTITY_ROLES) or (
            actor.user_id is not None and actor.user_id == complaint.registered_by_id
        )
    if actor.has_any(IDENTITY_ROLES - {Role.TECHNICIAN}):
        return True
    return Role.TECHNICIAN in actor.roles and technician_on_the_job(
        actor=actor, complaint=complaint
    )


def technician_on_the_job(*, actor: Actor, complaint: Complaint) -> bool:
    """A technician needs the customer and the place while their work order is open only."""
    from tanjai.dispatch.selectors import work_order_open_for

    return work_order_open_for(complaint_id=complaint.pk, user_id=actor.user_id) is not None


@dataclass(frozen=True)
class ComplaintFilters:
    status: list[str] | None = None
    branch: str | None = None
    region: int | None = None
    category: str | None = None
    channel: str | None = None
    overdue: bool | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    q: str | None = None
    unit: str | None = None
    technician: str | None = None


# Below this many matches, a search collects them all through the word index and sorts
# them; above it, walking the complaints newest first finds a page of them at once.
SEARCH_RARE_LIMIT = 1000
_WORDS = "string_to_array(complaints_complaint.search_document, ' ') @> %s::text[]"


def text_search_filter(qs: QuerySet[Complaint], q: str) -> QuerySet[Complaint]:
    """Every word of the query must be a word of the complaint (Thai segmented, see core.text).

    Elsewhere than PostgreSQL: LIKE on the space-delimited word list. On PostgreSQL a GIN
    index over the words array answers it, but the planner needs help to pick its plan:

    - Segmentation splits Thai compounds into words that always occur together
      (หัวดับเพลิง: หัว, ดับ, เพลิง); the planner multiplies their frequencies as if they
      were independent, thinks the matches rare, and fetches and sorts tens of thousands.
      So when the statistics know every word as common, only the rarest goes to the index
      (an estimate it gets right) and the others are checked on the rows, in a form the
      planner does not count as selective: it then walks the complaints newest first.
    - A word the statistics do not know may be rare or absent; walking would read every
      complaint. A capped count through the index tells; rare matches are taken by id.
    """
    words = list(dict.fromkeys(search_words(q)))[:10]
    if not words:
        return qs
    if qs.db == "default" and _is_postgres():
        return _postgres_words_filter(qs, words)
    for word in words:
        qs = qs.filter(search_document__contains=f" {word} ")
    return qs


def _postgres_words_filter(qs: QuerySet[Complaint], words: list[str]) -> QuerySet[Complaint]:
    from django.db import connection

    frequencies = _common_word_frequencies(words)
    if len(frequencies) == len(words):
        rarest = min(words, key=frequencies.__getitem__)
        qs = qs.filter(RawSQL(_WORDS, ([rarest],), output_field=BooleanField()))  # noqa: S611
        others = [w for w in words if w != rarest]
        if others:
            # One clause whose selectivity the planner cannot read, so that it keeps its
            # estimate from the rarest word (LEAST, not a product, which would overflow).
            least = ", ".join(["strpos(complaints_complaint.search_document, %s)"] * len(others))
            clause = RawSQL(  # noqa: S611 - constants only; the words are parameters
                f"LEAST({least}) > 0", [f" {w} " for w in others], output_field=BooleanField()
            )
            qs = qs.filter(clause)
        return qs
    # Built from constants only; the words go in as parameters.
    matching = f"SELECT id FROM complaints_complaint WHERE {_WORDS} LIMIT {SEARCH_RARE_LIMIT:d}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({matching}) m", (words,))  # noqa: S608
        (count,) = cursor.fetchone()
    if count < SEARCH_RARE_LIMIT:
        return qs.filter(pk__in=RawSQL(matching, (words,)))  # noqa: S611
    return qs.filter(RawSQL(_WORDS, (words,), output_field=BooleanField()))  # noqa: S611


def _common_word_frequencies(words: list[str]) -> dict[str, float]:
    """The share of complaints containing each word, for the words PostgreSQL's statistics
    of the word index list among the most common (ANALYZE keeps them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e, f FROM pg_stats s, unnest(s.most_common_elems::text::text[], "
            "s.most_common_elem_freqs[1:array_length(s.most_common_elems, 1)]) AS u(e, f) "
            "WHERE s.tablename = 'cmp_search_words' AND e = ANY(%s)",
            (words,),
        )
        return dict(cursor.fetchall())


def _is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def complaint_list(
    *, actor: Actor, filters: ComplaintFilters, now: datetime | None = None
) -> QuerySet[Complaint]:
    qs = complaints_visible_to(actor=actor)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.branch:
        qs = qs.filter(branch__code=filters.branch)
    if filters.region is not None:
        qs = qs.filter(region__number=filters.region)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.channel:
        qs = qs.filter(channel__code=filters.channel)
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.technician:
        from tanjai.dispatch.models import WorkOrder

        qs = qs.filter(
            Exists(
                WorkOrder.objects.filter(
                    complaint_id=OuterRef("pk"), assignees__username=filters.technician
                )
            )
        )
    if filters.received_from:
        qs = qs.filter(received_at__gte=filters.received_from)
    if filters.received_to:
        qs = qs.filter(received_at__lt=filters.received_to)
    if filters.overdue is not None:
        now = now or timezone.now()
        overdue = Q(status__in=sorted(OPEN_STATES), resolve_due_at__lt=now)
        qs = qs.filter(overdue) if filters.overdue else qs.exclude(overdue)
    if filters.q:
        q = filters.q
        if not actor.has_any(IDENTITY_ROLES - {Role.TECHNICIAN}):
            # Numbers in a query (a phone, a house number) would tell those who may not see
            # complainants whose complaint it is, even with the text masked.
            q = re.sub(r"[0-9๐-๙]", " ", q)
        qs = text_search_filter(qs, q)
    return qs.select_related("channel", "category", "subcategory", "branch", "region")


QUEUES = ("to_forward", "to_dispatch", "to_inform", "to_verify", "to_close", "overdue", "my_jobs")


def queue_filter(queue: str, *, now: datetime, actor: Actor | None = None) -> Q:
    """Which complaints wait in a work queue; one definition for the counts and the lists."""
    from tanjai.dispatch.models import WorkOrder, WorkOrderStatus

    open_ = Q(status__in=sorted(OPEN_STATES))
    mine = WorkOrder.objects.filter(
        complaint_id=OuterRef("pk"),
        status=WorkOrderStatus.OPEN,
        assignees__id=actor.user_id if actor and actor.user_id else 0,
    )
    filters = {
        "my_jobs": open_ & Q(Exists(mine)),
        "to_forward": Q(status="received"),
        "to_dispatch": Q(status="forwarded"),
        "to_inform": open_ & Q(informed_at__isnull=True),
        "to_verify": Q(status="fixed"),
        "to_close": Q(status="verified"),
        "overdue": open_ & Q(resolve_due_at__lt=now),
    }
    return filters[queue]


def queue_counts(*, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """How many complaints wait in each work queue of the actor's scope, in one query."""
    from django.db.models import Count

    now = now or timezone.now()
    return complaints_visible_to(actor=actor).aggregate(
        **{q: Count("pk", filter=queue_filter(q, now=now, actor=actor)) for q in QUEUES}
    )


def sla_badge(due: datetime | None, *, now: datetime, is_open: bool) -> str:
    """on_time, due_soon (within 4 hours) or overdue, from the stored deadline."""
    if not is_open or due is None:
        return ""
    if due < now:
        return "overdue"
    return "due_soon" if due - now <= timedelta(hours=4) else "on_time"


def dashboard_figures(*, actor: Actor, now: datetime | None = None) -> dict:
    """The branch (or region, or organisation) dashboard, as database aggregates."""
    from django.db.models import Count

    now = now or timezone.now()
    local_midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    visible = complaints_visible_to(actor=actor)
    open_ = visible.filter(status__in=sorted(OPEN_STATES))
    totals = visible.aggregate(
        today=Count("pk", filter=Q(received_at__gte=local_midnight)),
        open=Count("pk", filter=Q(status__in=sorted(OPEN_STATES))),
        overdue=Count("pk", filter=Q(status__in=sorted(OPEN_STATES), resolve_due_at__lt=now)),
        due_24h=Count(
            "pk",
            filter=Q(
                status__in=sorted(OPEN_STATES),
                resolve_due_at__gte=now,
                resolve_due_at__lt=now + timedelta(hours=24),
            ),
        ),
    )
    by_state = dict(open_.values_list("status").annotate(n=Count("pk")).order_by())
    by_category = list(
        open_.values("category__name_th", "category__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    by_channel = list(
        visible.filter(received_at__gte=now - timedelta(days=30))
        .values("channel__name_th", "channel__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    by_branch = list(
        open_.values("branch__code", "branch__name_th", "branch__name_en")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(resolve_due_at__lt=now)))
        .order_by("branch__code")
    )
    return {
        "totals": totals,
        "by_state": by_state,
        "by_category": by_category,
        "by_channel": by_channel,
        "by_branch": by_branch,
    }


# A burst main brings dozens of calls: complaints of the same category this close in space
# and time are likely the same problem.
NEARBY_METRES = 300
NEARBY_DAYS = 3


@dataclass
class Related:
    complaint: Complaint
    reason: str  # "customer", "nearby" or "district"
    metres: int | None = None


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((rlat2 - rlat1) / 2) ** 2
        + math.cos(rlat1) * math.cos(rlat2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def related_complaints(*, actor: Actor, complaint: Complaint, limit: int = 50) -> list[Related]:
    """Complaints of the same customer (for those who may see who the customer is), and of
    the same category within NEARBY_METRES and NEARBY_DAYS (same district when there is no
    map pin), within the actor's scope, nearest first."""
    visible = complaints_visible_to(actor=actor).exclude(pk=complaint.pk)
    visible = visible.select_related("category", "branch")
    found: dict[int, Related] = {}
    if identity_visible(actor=actor, complaint=complaint) and not complaint.anonymous:
        same = Q()
        if complaint.customer_phone:
            same |= Q(customer_phone=complaint.customer_phone)
        if complaint.customer_account_no:
            same |= Q(customer_account_no=complaint.customer_account_no)
        if same:
            for c in visible.filter(same).order_by("-received_at")[:10]:
                # A match the actor may not know the maker of (a staff-conduct complaint)
                # must not be shown as this customer's.
                if identity_visible(actor=actor, complaint=c):
                    found[c.pk] = Related(c, "customer")
    window = visible.filter(
        category_id=complaint.category_id,
        received_at__gte=complaint.received_at - timedelta(days=NEARBY_DAYS),
        received_at__lte=complaint.received_at + timedelta(days=NEARBY_DAYS),
    )
    if complaint.lat is not None and complaint.lon is not None:
        dlat = NEARBY_METRES / 111_000
        dlon = dlat / max(math.cos(math.radians(complaint.lat)), 0.01)
        box = window.filter(
            lat__range=(complaint.lat - dlat, complaint.lat + dlat),
            lon__range=(complaint.lon - dlon, complaint.lon + dlon),
        )
        near = []
        for c in box.order_by("-received_at")[:500]:
            metres = _metres(complaint.lat, complaint.lon, c.lat, c.lon)  # type: ignore[arg-type]
            if metres <= NEARBY_METRES and c.pk not in found:
                near.append(Related(c, "nearby", round(metres)))
        near.sort(key=lambda r: r.metres or 0)
        found.update((r.complaint.pk, r) for r in near[:limit])
    elif complaint.district:
        same_area = window.filter(district=complaint.district, province=complaint.province)
        for c in same_area.order_by("-received_at")[:limit]:
            found.setdefault(c.pk, Related(c, "district"))
    return list(found.values())[:limit]


def units_in_scope(actor: Actor) -> QuerySet:
    from tanjai.organisation.models import Unit

    units = Unit.objects.filter(active=True)
    if actor.scope_level == ScopeLevel.BRANCH:
        return units.filter(Q(branch_id=actor.branch_id))
    if actor.scope_level == ScopeLevel.REGION:
        return units.filter(Q(region_id=actor.region_id) | Q(branch__region_id=actor.region_id))
    return units.filter(branch__isnull=True)  # head office: regional and HQ units


def technicians_in_scope(actor: Actor) -> list:
    """Technicians to filter by: those of one's branch or region (not the whole country)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, groups__name=Role.TECHNICIAN)
    if actor.scope_level == ScopeLevel.BRANCH:
        users = users.filter(Q(staff_profile__branch_id=actor.branch_id))
    elif actor.scope_level == ScopeLevel.REGION:
        users = users.filter(Q(staff_profile__branch__region_id=actor.region_id))
    else:
        return []
    return list(users.order_by("username"))
