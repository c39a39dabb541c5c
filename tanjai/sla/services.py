"""SLA deadlines: computed by the pure clock, stored as indexed columns, escalated once each."""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from tanjai.complaints.eventlog import event_append
from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.workflow import ActionCode, State
from tanjai.notifications.services import escalation_notify
from tanjai.reference.models import Category, Subcategory
from tanjai.reference.services import reference_data
from tanjai.sla import clock
from tanjai.sla.escalation import (
    Targets,
    deadlines_apply,
    escalate,
    escalation_data,
)
from tanjai.sla.models import CalendarDay, CalendarSettings, SlaPolicy

if TYPE_CHECKING:
    from tanjai.complaints.models import Complaint

logger = logging.getLogger(__name__)


_CALENDAR_TTL = 60.0
_calendar_cache: tuple[float, clock.WorkingCalendar] | None = None


def calendar_current() -> clock.WorkingCalendar:
    """The working calendar from the database; kept for a minute, so edits in the admin
    take effect within a minute without a query on every deadline."""
    global _calendar_cache
    now = time.monotonic()
    if _calendar_cache and now - _calendar_cache[0] < _CALENDAR_TTL:
        return _calendar_cache[1]
    calendar = calendar_build()
    if _calendar_cache and calendar == _calendar_cache[1]:
        # Keep the same object while nothing changed: it keys the escalation caches.
        calendar = _calendar_cache[1]
    _calendar_cache = (now, calendar)
    return calendar


def calendar_cache_clear() -> None:
    global _calendar_cache
    _calendar_cache = None


def calendar_build() -> clock.WorkingCalendar:
    settings_row = CalendarSettings.objects.first() or CalendarSettings()
    this_year = timezone.now().year
    public: frozenset[date] = (
        clock.thai_holidays(range(this_year - 3, this_year + 3))
        if settings_row.use_thai_public_holidays
        else frozenset()
    )
    days = list(CalendarDay.objects.values_list("date", "kind"))
    off = {d for d, kind in days if kind == CalendarDay.Kind.DAY_OFF}
    work = {d for d, kind in days if kind == CalendarDay.Kind.WORKDAY}
    day_start, day_end = settings_row.day_start, settings_row.day_end
    if isinstance(day_start, str):  # an unsaved default row
        day_start = datetime.strptime(day_start, "%H:%M").time()
        day_end = datetime.strptime(str(day_end), "%H:%M").time()
    return clock.WorkingCalendar(
        tz=clock.BANGKOK,
        day_start=day_start,
        day_end=day_end,
        workdays=frozenset(int(x) for x in settings_row.workdays.split(",") if x.strip()),
        holidays=frozenset(public | off) - frozenset(work),
        extra_workdays=frozenset(work),
    )


DEFAULT_TARGETS = Targets(24, "calendar_hours", 15, "working_days", timedelta(hours=4))


def targets_for(*, category_id: int, subcategory_id: int | None) -> Targets:
    """The subcategory's own policy, else its category's, else the government norm."""
    policies = {
        p.subcategory_id: p
        for p in SlaPolicy.objects.filter(category_id=category_id).only(
            "subcategory_id",
            "inform_amount",
            "inform_unit",
            "resolve_amount",
            "resolve_unit",
            "warn_before_minutes",
        )
    }
    policy = policies.get(subcategory_id) if subcategory_id else None
    policy = policy or policies.get(None)
    if policy is None:
        return DEFAULT_TARGETS
    return Targets(
        policy.inform_amount,
        policy.inform_unit,
        policy.resolve_amount,
        policy.resolve_unit,
        timedelta(minutes=policy.warn_before_minutes),
    )


def pauses_of(complaint: Complaint) -> list[clock.Pause]:
    return [
        clock.Pause(
            start=datetime.fromisoformat(start),
            end=datetime.fromisoformat(end) if end else None,
        )
        for start, end in complaint.sla_pauses
    ]


def sla_recompute(complaint: Complaint, *, now: datetime | None = None) -> None:
    """Set the due-time columns from the policy, the calendar and the pauses (no save).

    The inform target runs from receipt; the resolve target from the start of the current
    cycle (receipt, or the last reopening) with time spent waiting on the customer left out.
    """
    cal = calendar_current()
    targets = targets_for(
        category_id=complaint.category_id, subcategory_id=complaint.subcategory_id
    )
    started = complaint.resolve_clock_started_at or complaint.received_at
    complaint.resolve_clock_started_at = started
    deadlines_apply(
        complaint,
        inform_due=clock.due_at(
            complaint.received_at, targets.inform_amount, targets.inform_unit, cal
        ),
        resolve_due=clock.due_at(
            started, targets.resolve_amount, targets.resolve_unit, cal, pauses_of(complaint)
        ),
        targets=targets,
        cal=cal,
        now=now or timezone.now(),
    )


def sla_pause_start(complaint: Complaint, *, at: datetime) -> None:
    complaint.sla_pauses = [*complaint.sla_pauses, [at.isoformat(), None]]


def sla_pause_end(complaint: Complaint, *, at: datetime) -> None:
    pauses = [list(p) for p in complaint.sla_pauses]
    if pauses and pauses[-1][1] is None:
        pauses[-1][1] = at.isoformat()
    complaint.sla_pauses = pauses


def sla_new_cycle(complaint: Complaint, *, at: datetime) -> None:
    """A reopening restarts the resolve clock and its escalations."""
    complaint.resolve_clock_started_at = at
    complaint.sla_pauses = []
    complaint.resolve_escalation_level = 0
    complaint.resolve_due_at = None


def _state(done_at: datetime | None, due: datetime | None, now: datetime, applicable: bool) -> str:
    if done_at is not None:
        return "met" if due is None or done_at <= due else "breached"
    if not applicable:
        return "not_applicable"
    if due is None:  # clock stopped while waiting on the customer
        return "open_on_time"
    return "open_on_time" if now <= due else "open_overdue"


def sla_status(complaint: Complaint, *, now: datetime | None = None) -> dict[str, dict]:
    """For each target: its due time and met / breached / open_on_time / open_overdue
    (or not_applicable for a complaint that ended as a duplicate, irrelevant or transferred)."""
    now = now or timezone.now()

    # Closing with the customer tells them the result, which also meets the inform target.
    informed = complaint.informed_at or (
        complaint.closed_at if complaint.customer_reached else None
    )
    open_ = complaint.is_open
    return {
        "inform": {
            "due_at": complaint.inform_due_at,
            "state": _state(informed, complaint.inform_due_at, now, open_),
        },
        "resolve": {
            "due_at": complaint.resolve_due_at,
            "state": _state(
                complaint.closed_at if complaint.status == State.CLOSED else None,
                complaint.resolve_due_at,
                now,
                open_,
            ),
        },
    }


def _announced(complaint_id: int, data: dict) -> bool:

    return Event.objects.filter(
        complaint_id=complaint_id,
        action=ActionCode.SLA_ESCALATED,
        data__target=data["target"],
        data__level=data["level"],
        data__due_at=data["due_at"],
    ).exists()


def sla_watch(*, now: datetime | None = None, batch: int = 500) -> int:
    """Escalate every complaint whose next SLA check is due; returns escalations recorded.

    One indexed query finds the rows (sla_next_check_at <= now). Each escalation is
    recorded with a compare-and-set on the escalation levels, so running the watcher
    twice, or on two workers at once, records and notifies each escalation once.
    """

    now = now or timezone.now()
    cal = calendar_current()
    recorded = 0
    targets_cache: dict[tuple[int, int | None], Targets] = {}
    recipients: dict[tuple[str, int], list] = {}
    ids = list(
        Complaint.objects.filter(sla_next_check_at__lte=now)
        .order_by("sla_next_check_at")
        .values_list("id", flat=True)[:batch]
    )
    for complaint in Complaint.objects.filter(id__in=ids).select_related("branch"):
        key = (complaint.category_id, complaint.subcategory_id)
        if key not in targets_cache:
            targets_cache[key] = targets_for(category_id=key[0], subcategory_id=key[1])
        targets = targets_cache[key]
        old_inform, old_resolve = (
            complaint.inform_escalation_level,
            complaint.resolve_escalation_level,
        )
        escalations = escalate(complaint, targets=targets, cal=cal, now=now)
        with transaction.atomic():
            won = Complaint.objects.filter(
                pk=complaint.pk,
                inform_escalation_level=old_inform,
                resolve_escalation_level=old_resolve,
                version=complaint.version,
            ).update(
                inform_escalation_level=complaint.inform_escalation_level,
                resolve_escalation_level=complaint.resolve_escalation_level,
                sla_next_check_at=complaint.sla_next_check_at,
            )
            if not won:
                continue  # another watcher, or a workflow action, got there first
            for target, level in escalations:
                data = escalation_data(complaint, target, level)
                if _announced(complaint.pk, data):
                    continue  # a deadline that moved away and back: already announced
                event = event_append(
                    complaint=complaint,
                    actor=None,
                    action=ActionCode.SLA_ESCALATED,
                    data=data,
                    at=now,
                )
                escalation_notify(
                    complaint=complaint,
                    event=event,
                    target=target,
                    level=level,
                    recipients=recipients,
                )
                recorded += 1
    if recorded:
        logger.info("sla_watch recorded %d escalations", recorded)
    return recorded


@transaction.atomic
def sla_seed() -> None:
    """The SLA of each category (and of the subcategories with their own resolve time) and
    PWA's days off, from the reference data; only what is missing is added."""

    data = reference_data()
    for cat in data["categories"]:
        category = Category.objects.get(code=cat["code"])
        SlaPolicy.objects.get_or_create(
            category=category,
            subcategory=None,
            defaults={
                "inform_amount": cat["inform"]["amount"],
                "inform_unit": cat["inform"]["unit"],
                "resolve_amount": cat["resolve"]["amount"],
                "resolve_unit": cat["resolve"]["unit"],
            },
        )
        for sub in cat["subcategories"]:
            if "resolve" in sub:
                SlaPolicy.objects.get_or_create(
                    subcategory=Subcategory.objects.get(code=sub["code"]),
                    defaults={
                        "category": category,
                        "inform_amount": cat["inform"]["amount"],
                        "inform_unit": cat["inform"]["unit"],
                        "resolve_amount": sub["resolve"]["amount"],
                        "resolve_unit": sub["resolve"]["unit"],
                    },
                )
    if not CalendarSettings.objects.exists():
        CalendarSettings.objects.create()
    for day in data.get("pwa_days_off", []):
        CalendarDay.objects.get_or_create(
            date=day["date"],
            defaults={"name_th": day["name_th"], "name_en": day.get("name_en", "")},
        )
