"""seed_demo: generated complaints must look like the real process made them."""

from __future__ import annotations

import copy
import itertools
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command

from tanjai.complaints.models import Complaint, Event
from tanjai.complaints.workflow import OPEN_STATES, State
from tanjai.core.tracking import tracking_normalise
from tanjai.demo.generator import seed_demo
from tanjai.dispatch.models import WorkOrder, WorkOrderStatus
from tanjai.organisation.models import Unit, UnitKind
from tanjai.reference.models import Category, Channel, Subcategory
from tanjai.sla.services import sla_recompute, sla_watch

pytestmark = pytest.mark.django_db

N = 300
ENDED = {State.CLOSED, State.DUPLICATE, State.NOT_RELEVANT, State.TRANSFERRED}
END_ACTIONS = {"close", "mark_duplicate", "mark_not_relevant", "transfer_out"}


@pytest.fixture(scope="module")
def seeded_report(module_transaction, django_db_blocker):
    """Seeded once for the module; what a test adds is undone after it."""
    # Batches smaller than N: tracking numbers and duplicates cross batch boundaries.
    with django_db_blocker.unblock():
        return seed_demo(complaints=N, seed=7, batch=120)


@pytest.fixture
def seeded(seeded_report):
    """The run's report, and its complaints and events read afresh for each test."""
    complaints = list(Complaint.objects.select_related("branch", "category").order_by("id"))
    events: dict[int, list[Event]] = defaultdict(list)
    for e in Event.objects.order_by("at", "id"):
        events[e.complaint_id].append(e)
    return copy.deepcopy(seeded_report), complaints, events


def _first(events: list[Event], action: str) -> Event | None:
    return next((e for e in events if e.action == action), None)


def _last(events: list[Event], action: str) -> Event | None:
    return next((e for e in reversed(events) if e.action == action), None)


def test_every_complaint_starts_with_its_registration(seeded):
    report, complaints, events = seeded
    assert report.complaints == len(complaints) == N
    for c in complaints:
        log = events[c.pk]
        assert log[0].action == "register", c.tracking_no
        assert log[0].at == c.received_at and log[0].to_state == State.RECEIVED
        assert log[0].data["branch"] == c.branch.code
        # Events were written in the order they happened.
        assert [e.at for e in log] == sorted(e.at for e in log)
        assert [e.pk for e in log] == sorted(e.pk for e in log)


def test_the_log_ends_in_the_complaint_state(seeded):
    _, complaints, events = seeded
    for c in complaints:
        changes = [e for e in events[c.pk] if e.to_state and e.to_state != e.from_state]
        assert changes[-1].to_state == c.status, c.tracking_no
        # from_state of every change is the state the previous change left.
        for before, after in itertools.pairwise(changes):
            assert after.from_state == before.to_state, c.tracking_no


def test_milestone_columns_match_the_events(seeded):
    _, complaints, events = seeded
    for c in complaints:
        log = events[c.pk]
        times = [c.received_at, c.forwarded_at, c.dispatched_at, c.fixed_at, c.closed_at]
        present = [t for t in times if t is not None]
        assert present == sorted(present), c.tracking_no
        assert c.forwarded_at == getattr(_first(log, "forward"), "at", None)
        assert c.dispatched_at == getattr(_first(log, "dispatch"), "at", None)
        # The customer is informed by the plan (step 4) or, failing that, by a close that
        # reached them (step 6).
        informing = [
            e
            for e in log
            if e.action == "inform_customer"
            or (e.action == "close" and e.data.get("customer_reached"))
        ]
        assert c.informed_at == (informing[0].at if informing else None), c.tracking_no
        inform = _last(log, "inform_customer")
        if inform:
            assert datetime.fromisoformat(inform.data["promised_at"]) == c.promised_at
        if c.status in (State.FIXED, State.VERIFIED, State.CLOSED):
            assert c.fixed_at == _last(log, "report_fixed").at
        if c.status in (State.VERIFIED, State.CLOSED):
            assert c.verified_at == _last(log, "verify").at
        ends = [e for e in log if e.action in END_ACTIONS]
        if c.status in ENDED:
            assert c.ended_at == ends[-1].at
        else:
            assert c.ended_at is None and c.closed_at is None
        assert c.reopen_count == sum(e.action == "reopen" for e in log)
        # version: 1 at registration, +1 per workflow action (the watcher does not count)
        actions = [e for e in log if e.action not in ("register", "sla_escalated")]
        assert c.version == 1 + len(actions)


def test_closing(seeded):
    _, complaints, events = seeded
    closed = [c for c in complaints if c.status == State.CLOSED]
    assert len(closed) > N / 2
    for c in closed:
        close = _last(events[c.pk], "close")
        assert c.closed_at == close.at
        assert c.satisfaction is None or 1 <= c.satisfaction <= 5
        assert close.data == {
            "customer_reached": c.customer_reached,
            "satisfaction": c.satisfaction,
        }
        if not c.customer_reached:
            assert c.satisfaction is None
    scores = [c.satisfaction for c in closed if c.satisfaction]
    assert sum(scores) / len(scores) > 3.5  # skewed high
    assert any(not c.customer_reached for c in closed)
    in_time = sum(c.closed_at <= c.resolve_due_at for c in closed) / len(closed)
    assert 0.7 < in_time < 0.97
    assert any(c.reopen_count for c in complaints)
    for c in complaints:
        if c.status == State.DUPLICATE:
            master = next(m for m in complaints if m.pk == c.duplicate_of_id)
            assert master.status != State.DUPLICATE and master.received_at <= c.received_at
            assert _last(events[c.pk], "mark_duplicate").data == {"of": master.tracking_no}


def test_every_channel_category_and_state_appears(seeded):
    _, complaints, _ = seeded
    assert {c.channel_id for c in complaints} == set(Channel.objects.values_list("pk", flat=True))
    assert {c.category_id for c in complaints} == set(Category.objects.values_list("pk", flat=True))
    assert {c.subcategory_id for c in complaints} == set(
        Subcategory.objects.values_list("pk", flat=True)
    )
    assert State.CLOSED in {c.status for c in complaints}
    assert {c.status for c in complaints} & OPEN_STATES
    assert any(c.anonymous for c in complaints)
    for c in complaints:
        if c.anonymous:
            assert not (c.customer_name or c.customer_phone or c.customer_account_no)
        elif c.customer_phone:
            assert len(c.customer_phone) == 10 and c.customer_phone[:2] in ("08", "06", "09")


def test_tracking_numbers_follow_received_order_within_a_year(seeded):
    _, complaints, _ = seeded
    by_year: dict[str, list[Complaint]] = defaultdict(list)
    for c in complaints:
        assert tracking_normalise(c.tracking_no) == c.tracking_no
        by_year[c.tracking_no[:2]].append(c)
    for group in by_year.values():
        group.sort(key=lambda c: c.tracking_no)
        received = [c.received_at for c in group]
        assert received == sorted(received)
    first = min(c.received_at for c in complaints)
    assert timedelta(days=600) < max(c.received_at for c in complaints) - first


def test_organisation_columns(seeded):
    _, complaints, _ = seeded
    centres = {u.branch_id: u.pk for u in Unit.objects.filter(kind=UnitKind.CENTRE)}
    for c in complaints:
        assert c.region_id == c.branch.region_id
        if c.forwarded_at:
            assert c.unit_id == centres[c.branch_id]
        else:
            assert c.unit_id is None
        if c.lat is not None and c.branch.lat is not None:
            assert abs(c.lat - c.branch.lat) <= 0.05 + 1e-6
            assert abs(c.lon - c.branch.lon) <= 0.05 + 1e-6
        assert c.search_document.startswith(" ") and c.search_document.endswith(" ")


def test_sla_columns_are_what_sla_recompute_gives(seeded):
    _, complaints, _ = seeded
    for c in complaints:
        assert c.inform_due_at is not None
        if c.status == State.AWAITING_CUSTOMER:
            # The resolve clock is stopped while waiting on the customer: no deadline, as in
            # sla_recompute (clock.due_at gives None during an open pause).
            assert c.sla_pauses and c.sla_pauses[-1][1] is None
        else:
            assert c.resolve_due_at is not None, c.tracking_no
        again = copy.copy(c)
        sla_recompute(again)
        for column in (
            "inform_due_at",
            "resolve_due_at",
            "resolve_clock_started_at",
            "sla_next_check_at",
            "inform_escalation_level",
            "resolve_escalation_level",
        ):
            assert getattr(again, column) == getattr(c, column), (c.tracking_no, column)
        if c.status not in OPEN_STATES:
            assert c.sla_next_check_at is None


def test_escalations_are_recorded_and_the_watcher_is_caught_up(seeded):
    report, complaints, events = seeded
    for c in complaints:
        inform = [
            e for e in events[c.pk] if e.action == "sla_escalated" and e.data["target"] == "inform"
        ]
        assert [e.data["level"] for e in inform] == list(range(1, c.inform_escalation_level + 1))
        for e in inform:
            assert c.informed_at is None or e.at < c.informed_at
    assert any(c.status in OPEN_STATES and c.resolve_escalation_level >= 2 for c in complaints)
    # Everything due more than one watcher interval before "now" has been escalated already.
    settled = report.now - timedelta(seconds=61)
    assert not Complaint.objects.filter(sla_next_check_at__lte=settled).exists()
    assert sla_watch(now=settled) == 0


def test_work_orders_agree_with_the_state(seeded):
    _, complaints, events = seeded
    orders: dict[int, list[WorkOrder]] = defaultdict(list)
    for wo in WorkOrder.objects.prefetch_related("assignees__staff_profile").order_by("id"):
        orders[wo.complaint_id].append(wo)
    for c in complaints:
        wos = orders[c.pk]
        open_ = [wo for wo in wos if wo.status == WorkOrderStatus.OPEN]
        assert bool(wos) == (c.dispatched_at is not None), c.tracking_no
        if c.status in (State.IN_PROGRESS, State.AWAITING_CUSTOMER):
            assert len(open_) == 1, c.tracking_no
        else:
            assert not open_, c.tracking_no
        for wo in wos:
            assert wo.assignees.all(), c.tracking_no
            for user in wo.assignees.all():
                assert user.username.startswith("tech")
                assert user.staff_profile.branch_id == c.branch_id
            if wo.status == WorkOrderStatus.COMPLETED:
                assert wo.completed_at and wo.result
        dispatch = _first(events[c.pk], "dispatch")
        if dispatch:
            assert dispatch.data["work_order"] == wos[0].pk
            assert dispatch.data["assignees"] == [u.username for u in wos[0].assignees.all()] or (
                sorted(dispatch.data["assignees"])
                == sorted(u.username for u in wos[0].assignees.all())
            )


def test_running_again_adds_more(seeded):
    call_command("seed_demo", complaints=40, seed=7, batch=25, verbosity=0)
    numbers = list(Complaint.objects.values_list("tracking_no", flat=True))
    assert len(numbers) == N + 40 == len(set(numbers))


def test_no_query_per_complaint():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seed_demo(complaints=20, seed=3, batch=20)  # accounts and reference data exist from here on
    others, inserts = [], []
    for n in (150, 450):
        with CaptureQueriesContext(connection) as ctx:
            seed_demo(complaints=n, seed=3, batch=n)
        sql = [q["sql"].lstrip().upper() for q in ctx.captured_queries]
        inserts.append(sum(s.startswith(("INSERT", "COPY")) for s in sql))
        others.append(len(sql) - inserts[-1])
    # One batch either way: the same reads, and inserts of many rows each (SQLite limits the
    # number of parameters per statement, so bulk_create splits them there).
    assert others[1] <= others[0] + 3, others
    assert inserts[1] < 450 / 5, inserts
