"""The filters of the complaint list, defined once, as NetBox's filter sets are: the staff
queues' filter form, the API's query parameters and the query that narrows the list are all
made from FILTERS. A filter has a name, the type of its value, the query it applies and its
label; the staff page offers the filters that have a field, the API those `in_api`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.roles import IDENTITY_ROLES, Role
from tanjai.accounts.scope import Actor
from tanjai.complaints.models import Complaint
from tanjai.complaints.selectors import (
    technicians_in_scope,
    text_search_filter,
    units_in_scope,
    work_order_q,
)
from tanjai.complaints.workflow import OPEN_STATES
from tanjai.core.dates import BANGKOK
from tanjai.core.forms import ThaiDateField
from tanjai.reference.models import Category, Channel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class FilterContext:
    """Who asks for the list, and when: some filters depend on them."""

    actor: Actor
    now: datetime


# The query of a filter: a lookup on the complaint given the value, or a function of the
# complaints, the value and the context.
Query = str | Callable[[QuerySet[Complaint], Any, FilterContext], QuerySet[Complaint]]
# The staff page's field of a filter, for the actor and the queue; None: not offered there.
FieldMaker = Callable[[Actor, str], forms.Field | None]


@dataclass(frozen=True)
class ComplaintFilter:
    name: str
    label: StrOrPromise
    type: type  # of a value, as the API takes it and the staff page's field cleans it
    query: Query
    in_api: bool = True
    field: FieldMaker | None = None

    def narrow(
        self, qs: QuerySet[Complaint], value: Any, context: FilterContext
    ) -> QuerySet[Complaint]:
        if isinstance(self.query, str):
            return qs.filter(**{self.query: value})
        return self.query(qs, value, context)


# Queries


def _statuses(
    qs: QuerySet[Complaint], value: str | Iterable[str], _context: Any
) -> QuerySet[Complaint]:
    """States, as a list or as the API takes them: separated by commas."""
    states = [s for s in value.split(",") if s] if isinstance(value, str) else list(value)
    return qs.filter(status__in=states) if states else qs


def _assigned(qs: QuerySet[Complaint], username: str, _context: Any) -> QuerySet[Complaint]:
    return qs.filter(work_order_q(assignees__username=username))


def _overdue(qs: QuerySet[Complaint], late: bool, context: FilterContext) -> QuerySet[Complaint]:
    overdue = Q(status__in=sorted(OPEN_STATES), resolve_due_at__lt=context.now)
    return qs.filter(overdue) if late else qs.exclude(overdue)


def _words(qs: QuerySet[Complaint], text: str, context: FilterContext) -> QuerySet[Complaint]:
    if not context.actor.has_any(IDENTITY_ROLES - {Role.TECHNICIAN}):
        # Numbers in a query (a phone, a house number) would tell those who may not see
        # complainants whose complaint it is, even with the text masked.
        text = re.sub(r"[0-9๐-๙]", " ", text)
    return text_search_filter(qs, text)


# The staff page's fields


def _choice(options: Iterable[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(required=False, choices=[("", _("All")), *options])


def _category_field(actor: Actor, queue: str) -> forms.Field:
    return _choice((c.code, c.name) for c in Category.objects.filter(active=True))


def _channel_field(actor: Actor, queue: str) -> forms.Field:
    return _choice((c.code, c.name) for c in Channel.objects.filter(active=True))


def _unit_field(actor: Actor, queue: str) -> forms.Field:
    return _choice((u.code, u.name) for u in units_in_scope(actor))


def _technician_field(actor: Actor, queue: str) -> forms.Field | None:
    # A technician's own work orders are theirs alone: no one else's to filter by.
    technicians = technicians_in_scope(actor) if queue != "my_jobs" else []
    if not technicians:
        return None
    return _choice((u.username, u.get_full_name() or u.username) for u in technicians)


class ReceivedDayField(ThaiDateField):
    """A day typed in the Buddhist Era, taken as the time it bounds in Bangkok: the day's
    start, or (`day_after`) the start of the day after, so that "until" takes the whole day."""

    def __init__(self, *, day_after: bool = False, **kwargs: Any) -> None:
        self.day_after = day_after
        super().__init__(**kwargs)

    def clean(self, value: Any) -> datetime | None:
        day: date | None = super().clean(value)
        if day is None:
            return None
        if self.day_after:
            day += timedelta(days=1)
        return datetime.combine(day, time(), tzinfo=BANGKOK)


def _received_field(*, day_after: bool = False) -> FieldMaker:
    return lambda actor, queue: ReceivedDayField(required=False, day_after=day_after)


def _search_field(actor: Actor, queue: str) -> forms.Field:
    return forms.CharField(required=False, max_length=200)


FILTERS: tuple[ComplaintFilter, ...] = (
    ComplaintFilter("status", _("Status"), str, _statuses),
    ComplaintFilter("branch", _("Branch"), str, "branch__code"),
    ComplaintFilter("region", _("Region"), int, "region__number"),
    ComplaintFilter("category", _("Category"), str, "category__code", field=_category_field),
    ComplaintFilter("channel", _("Channel"), str, "channel__code", field=_channel_field),
    ComplaintFilter("unit", _("Unit"), str, "unit__code", in_api=False, field=_unit_field),
    ComplaintFilter(
        "technician", _("Technician"), str, _assigned, in_api=False, field=_technician_field
    ),
    ComplaintFilter("overdue", _("Overdue"), bool, _overdue),
    ComplaintFilter(
        "received_from",
        _("Received from"),
        datetime,
        "received_at__gte",
        field=_received_field(),
    ),
    ComplaintFilter(
        "received_to",
        _("Received until"),
        datetime,
        "received_at__lt",
        field=_received_field(day_after=True),
    ),
    ComplaintFilter("q", _("Search"), str, _words, field=_search_field),
)
_BY_NAME = {f.name: f for f in FILTERS}


def _chosen(value: Any) -> bool:
    """Whether a filter has a value: an empty text or list is none; 0 and False are values."""
    if isinstance(value, str | list | tuple | set | frozenset):
        return bool(value)
    return value is not None


class ComplaintFilters:
    """The filters chosen for a list, by name (`ComplaintFilters(category="leak")`)."""

    def __init__(self, **values: Any) -> None:
        unknown = sorted(values.keys() - _BY_NAME.keys())
        if unknown:
            raise TypeError(f"no complaint filter {', '.join(unknown)}")
        self.values = {name: value for name, value in values.items() if _chosen(value)}

    @classmethod
    def from_api(cls, params: Any) -> ComplaintFilters:
        """The filters of the API's query parameters (see `api_parameters`)."""
        return cls(**{f.name: getattr(params, f.name) for f in FILTERS if f.in_api})

    def apply(self, qs: QuerySet[Complaint], *, actor: Actor, now: datetime) -> QuerySet[Complaint]:
        context = FilterContext(actor=actor, now=now)
        for f in FILTERS:
            if f.name in self.values:
                qs = f.narrow(qs, self.values[f.name], context)
        return qs

    def __repr__(self) -> str:
        return f"ComplaintFilters({self.values!r})"


def api_parameters() -> dict[str, Any]:
    """The API's query parameters of the filters, as pydantic fields: each optional."""
    return {f.name: (f.type | None, None) for f in FILTERS if f.in_api}


def form_fields(*, actor: Actor, queue: str) -> dict[str, forms.Field]:
    """The staff page's fields of the filters it offers the actor in the queue, in order."""
    fields = {}
    for f in FILTERS:
        field = f.field(actor, queue) if f.field else None
        if field is not None:
            field.label = f.label
            fields[f.name] = field
    return fields
