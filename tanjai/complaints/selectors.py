"""Reads of complaints, always through the actor's scope."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tanjai.accounts.models import ScopeLevel
from tanjai.accounts.roles import IDENTITY_ROLES, RESTRICTED_IDENTITY_ROLES, Role
from tanjai.accounts.scope import Actor
from tanjai.complaints.models import LOW_SATISFACTION, AttachmentKind, Complaint
from tanjai.complaints.workflow import OPEN_STATES, ActionCode, State
from tanjai.core.text import mask_personal_text, search_words
from tanjai.organisation.models import Unit


class AppliedFilters(Protocol):
    """What complaint_list asks of the filters chosen (complaints/filters.ComplaintFilters,
    which builds on this module's selectors: named here by its shape, not imported)."""

    def apply(
        self, qs: QuerySet[Complaint], *, actor: Actor, now: datetime
    ) -> QuerySet[Complaint]: ...


# Roles that see complaints across their whole scope; a technician sees only their work.
_SCOPE_READERS = frozenset(Role) - {Role.TECHNICIAN}

# The status of a work order while its technicians are at it (WorkOrderStatus.OPEN).
WORK_ORDER_OPEN = "open"


def work_order_q(**lookups: Any) -> Q:
    """Complaints with a work order that matches `lookups` (`status`, `assignees__id`…),
    reached through the work orders' relation to their complaint (`work_orders`): dispatch
    adds work orders to complaints, and complaints know nothing of dispatch."""
    return Q(
        Exists(
            Complaint.objects.filter(
                pk=OuterRef("pk"), **{f"work_orders__{k}": v for k, v in lookups.items()}
            )
        )
    )


def complaints_visible_to(*, actor: Actor) -> QuerySet[Complaint]:
    qs = Complaint.objects.all()
    if actor.is_admin or actor.roles & _SCOPE_READERS:
        return qs.filter(actor.scope.q())
    if Role.TECHNICIAN in actor.roles and actor.user_id is not None:
        return qs.filter(work_order_q(assignees__id=actor.user_id))
    return qs.none()


def complaint_visible(*, actor: Actor, complaint: Complaint) -> bool:
    if (actor.is_admin or actor.roles & _SCOPE_READERS) and actor.covers(
        region_id=complaint.region_id, branch_id=complaint.branch_id
    ):
        return True
    if Role.TECHNICIAN in actor.roles and actor.user_id is not None:
        return complaint.work_orders.filter(assignees__id=actor.user_id).exists()
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
    return (
        actor.user_id is not None
        and complaint.work_orders.filter(
            status=WORK_ORDER_OPEN, assignees__id=actor.user_id
        ).exists()
    )


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
    *, actor: Actor, filters: AppliedFilters, now: datetime | None = None
) -> QuerySet[Complaint]:
    """The complaints of the actor's scope that the filters chosen let through (their
    definitions: complaints/filters.py)."""
    qs = filters.apply(complaints_visible_to(actor=actor), actor=actor, now=now or timezone.now())
    return qs.select_related("channel", "category", "subcategory", "branch", "region")


QUEUES = ("to_forward", "to_dispatch", "to_inform", "to_verify", "to_close", "overdue", "my_jobs")


def queue_filter(queue: str, *, now: datetime, actor: Actor | None = None) -> Q:
    """Which complaints wait in a work queue; one definition for the counts and the lists."""
    open_ = Q(status__in=sorted(OPEN_STATES))
    mine = work_order_q(
        status=WORK_ORDER_OPEN, assignees__id=actor.user_id if actor and actor.user_id else 0
    )
    filters = {
        "my_jobs": open_ & mine,
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


def complaint_page_get(
    *, actor: Actor, tracking_no: str, now: datetime | None = None
) -> dict[str, Any] | None:
    """What the complaint's staff page shows of the complaint itself, or None if the actor
    may not see it: the description, the timeline, the contacts with the customer (their
    `contact_method` a code), the related complaints, the files by kind, and the score of a
    closed complaint the customer scored low (`low_score`: its branch manager may reopen it).

    Those who may not see the customer read the texts with names and numbers masked.
    Showing the customer is logged by the caller (accounts.services.personal_data_shown)."""
    complaint = complaint_get(actor=actor, tracking_no=tracking_no)
    if complaint is None:
        return None
    now = now or timezone.now()
    sees_identity = identity_visible(actor=actor, complaint=complaint)

    def text(value: str) -> str:
        return (
            value if sees_identity else mask_personal_text(value, names=[complaint.customer_name])
        )

    history = list(complaint.events.all())  # one query for the timeline and the contact log
    files = list(complaint.attachments.all())
    low = complaint.satisfaction is not None and complaint.satisfaction <= LOW_SATISFACTION
    return {
        "c": complaint,
        "sees_identity": sees_identity,
        "description": text(complaint.description),
        "events": [
            {
                "event": e,
                # An unknown code is an error, not a raw code on the page.
                "label": ActionCode(e.action).label,
                "note": text(e.note),
            }
            for e in history
        ],
        "contacts": [
            {
                "at": e.at,
                "who": e.actor_label,
                "contact_method": e.data.get("contact_method", ""),
                "reached": e.data.get("customer_reached", True),
                "note": text(e.note),
                "plan": e.action == ActionCode.INFORM_CUSTOMER,
            }
            for e in history
            if e.action in (ActionCode.CONTACT_LOG, ActionCode.INFORM_CUSTOMER)
        ],
        "related": [
            {
                "complaint": r.complaint,
                "reason": r.reason,
                "metres": r.metres,
                # Masked for everyone: a list of others' complaints is no place for their
                # phone and house numbers (each opened complaint shows and logs them).
                "description": mask_personal_text(
                    r.complaint.description, names=[r.complaint.customer_name]
                ),
                "badge": sla_badge(
                    r.complaint.resolve_due_at, now=now, is_open=r.complaint.is_open
                ),
            }
            for r in related_complaints(actor=actor, complaint=complaint)
        ],
        "photos_before": [f for f in files if f.kind == AttachmentKind.PHOTO_BEFORE],
        "photos_after": [f for f in files if f.kind == AttachmentKind.PHOTO_AFTER],
        "documents": [f for f in files if f.kind == AttachmentKind.DOCUMENT],
        "low_score": complaint.satisfaction if low and complaint.status == State.CLOSED else None,
    }
