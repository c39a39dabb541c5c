"""The run: when complaints arrive, what each one is about and who sent it, the plan of its
history, and seed_demo() building batch after batch while the previous one is written."""

from __future__ import annotations

import math
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tanjai.complaints.models import Complaint, Priority
from tanjai.complaints.workflow import ActionCode, State
from tanjai.core.services import be_year, tracking_numbers_allocate
from tanjai.core.text import search_document
from tanjai.demo import corpus
from tanjai.demo.generator.case import Case
from tanjai.demo.generator.constants import (
    ANONYMOUS,
    ANONYMOUS_RESTRICTED,
    BANGKOK,
    DAY,
    EXTERNAL_REF_PREFIX,
    HIGH_SUBCATEGORIES,
    HOUR,
    INFORM_MET,
    INTEGRATION_CHANNELS,
    LOW_SUBCATEGORIES,
    MINUTE,
    RESOLVE_MET,
    SOIS,
    STALLED,
    URGENT_SUBCATEGORIES,
)
from tanjai.demo.generator.world import World
from tanjai.demo.generator.writers import Batch, _analyze, _Writer
from tanjai.seed import all_seed
from tanjai.sla import clock
from tanjai.sla.services import calendar_cache_clear

# --- small helpers -----------------------------------------------------------------------

# A planned action: when, which Case method, and its arguments after the time.
Step = tuple[datetime, ActionCode, tuple[Any, ...]]


def _recent_heavier(u: float, a: float = 0.8) -> float:
    """Inverse CDF of the density 1 + a*x on [0, 1]: the last months weigh (1+a)x the first."""
    return (-1 + math.sqrt(1 + 2 * a * u * (1 + a / 2))) / a


@dataclass
class SeedReport:
    complaints: int = 0
    events: int = 0
    work_orders: int = 0
    technicians_created: int = 0
    seconds: float = 0.0
    status: Counter = field(default_factory=Counter)
    closed: int = 0
    closed_in_time: int = 0
    reopened: int = 0
    # The moment the data is "as of": open complaints are left where they would be then.
    now: datetime | None = None

    @property
    def rate(self) -> float:
        return self.complaints / self.seconds if self.seconds else 0.0


class Generator:
    def __init__(
        self,
        *,
        seed: int = 1,
        end: date | None = None,
        technicians_per_branch: int = 2,
        days: int = 730,
        branches: Sequence[str] | None = None,
    ) -> None:

        all_seed()
        calendar_cache_clear()
        self.rng = random.Random(seed)
        today = timezone.localdate(timezone.now(), BANGKOK)
        end = end or today
        if end > today:
            raise ValueError(f"--end {end} is in the future")
        self.now = (
            timezone.now()
            if end == today
            else datetime.combine(end, datetime.max.time(), BANGKOK).astimezone(UTC)
        ).replace(microsecond=0)
        # By default two Thai fiscal years (1 October - 30 September) up to --end.
        self.start = self.now - timedelta(days=days)
        self.world = World(self.rng, technicians_per_branch, branches)
        self.codes: dict[Any, str] = {c.pk: c.code for c in self.world.channels}
        self.codes.update({("c", c.pk): c.code for c in self.world.categories})
        # Recent complaints per branch, for duplicates to point at.
        self.recent: dict[int, deque[Complaint]] = {}
        self.report = SeedReport(technicians_created=self.world.technicians_created, now=self.now)
        # The first complaints of a run use every channel, subcategory and branch once, so
        # that even a small demo shows them all; the rest follow the weights.
        w = self.world
        self.first_channels = self.rng.sample(w.channels, len(w.channels))
        self.first_pairs = self.rng.sample(w.pairs, len(w.pairs))
        self.first_branches = self.rng.sample(w.branches, len(w.branches))

    # When complaints arrive.

    def received_times(self, n: int) -> list[int]:
        """`n` epoch seconds between start and now, recent months heavier, daytime heavier."""
        rng, hour = self.rng, self.world.hour
        start, now = int(self.start.timestamp()), int(self.now.timestamp())
        span = now - start
        offset = 7 * 3600  # Asia/Bangkok has no daylight saving time
        out = []
        for _ in range(n):
            t = start + int(_recent_heavier(rng.random()) * span)
            local = t + offset
            t2 = local - local % 86400 + hour() * 3600 + rng.randrange(3600) - offset
            out.append(t2 if start <= t2 <= now else t)
        out.sort()
        return out

    def batches(self, n: int, size: int) -> Iterator[list[int]]:
        times = self.received_times(n)
        for i in range(0, n, size):
            yield times[i : i + size]

    # One batch.

    def build(self, times: list[int]) -> Batch:
        batch = Batch(self.world, self.rng, self.now, self.codes)
        received = [datetime.fromtimestamp(t, UTC) for t in times]
        numbers: list[str] = []
        i = 0
        while i < len(received):
            year = be_year(received[i])
            j = i
            while j < len(received) and be_year(received[j]) == year:
                j += 1
            numbers += tracking_numbers_allocate(at=received[i], count=j - i)
            i = j
        for at, number in zip(received, numbers, strict=True):
            self.complaint(batch, at, number)
        return batch

    def complaint(self, batch: Batch, received_at: datetime, number: str) -> None:
        w, rng = self.world, self.rng
        bi = self.first_branches.pop() if self.first_branches else w.branch()
        b = bi.branch
        fate = rng.random()
        master = None
        if fate < 0.025:
            recent = self.recent.get(b.pk)
            master = recent[rng.randrange(len(recent))] if recent else None
            if master is None:
                fate = 0.03  # nothing to duplicate yet: not relevant instead
        if master is not None:
            category, subcategory = w.pair_of[(master.category_id, master.subcategory_id)]
        else:
            category, subcategory = self.first_pairs.pop() if self.first_pairs else w.pair()
        channel = self.first_channels.pop() if self.first_channels else w.channel()
        sub_code = subcategory.code if subcategory else "other"
        templates = corpus.DESCRIPTIONS.get(sub_code) or corpus.DESCRIPTIONS["other"]
        house, soi = rng.choice(w.houses), rng.choice(SOIS)
        road, moo = rng.choice(corpus.ROADS), rng.randint(1, 12)
        description = rng.choice(templates).format(house=house, soi=soi, road=road, moo=moo)
        address = f"{house} ซอย{soi} {road}" if rng.random() < 0.7 else f"{house} หมู่ {moo}"
        district = rng.choice(bi.districts)
        restricted = category.restricted_identity
        anonymous = rng.random() < (ANONYMOUS_RESTRICTED if restricted else ANONYMOUS)
        name = phone = email = line_id = account = ""
        if not anonymous:
            name = f"{rng.choice(corpus.FIRST_NAMES)} {rng.choice(corpus.LAST_NAMES)}"
            phone = f"0{rng.choice('869')}{rng.randrange(10**8):08d}"
            code = self.codes[channel.pk]
            if code == "email":
                email = f"customer{rng.randrange(10**6)}@example.com"
            if code == "line":
                line_id = f"U{rng.getrandbits(128):032x}"
            if category.code == "billing_meter" or rng.random() < 0.6:
                account = f"{b.pk % 1000:03d}{rng.randrange(10**7):07d}"
        if sub_code in URGENT_SUBCATEGORIES:
            priority = Priority.URGENT if rng.random() < 0.6 else Priority.HIGH
        elif sub_code in HIGH_SUBCATEGORIES:
            priority = Priority.HIGH if rng.random() < 0.4 else Priority.NORMAL
        elif sub_code in LOW_SUBCATEGORIES:
            priority = Priority.LOW if rng.random() < 0.5 else Priority.NORMAL
        else:
            priority = Priority.NORMAL
        channel_code = self.codes[channel.pk]
        prefix = EXTERNAL_REF_PREFIX.get(channel_code)
        if channel_code == "cc1662":
            registrar = w.callcentre
        elif channel_code in INTEGRATION_CHANNELS:
            registrar = w.system
        else:
            registrar = bi.officer_actor
        c = Complaint(
            tracking_no=number,
            status=State.RECEIVED,
            # Ids, not instances: setting related objects is a good part of the cost here.
            channel_id=channel.pk,
            category_id=category.pk,
            subcategory_id=subcategory.pk if subcategory else None,
            priority=priority,
            description=description,
            search_document=search_document(description, district, b.province_th),
            address=address,
            province=b.province_th,
            district=district,
            lat=round(b.lat + rng.uniform(-0.05, 0.05), 6) if b.lat is not None else None,
            lon=round(b.lon + rng.uniform(-0.05, 0.05), 6) if b.lon is not None else None,
            anonymous=anonymous,
            customer_name=name,
            customer_phone=phone,
            customer_email=email,
            customer_line_user_id=line_id,
            customer_account_no=account,
            branch_id=b.pk,
            region_id=b.region_id,
            unit_id=None,
            duplicate_of_id=None,
            external_ref=f"{prefix}-{number.replace('-', '')}" if prefix else "",
            registered_by_id=registrar[1],
            received_at=received_at,
            sla_pauses=[],
        )
        targets = w.targets[(category.pk, subcategory.pk if subcategory else None)]
        case = Case(batch, c, targets, bi)
        case.register(registrar)
        intake = w.callcentre if registrar is w.callcentre else bi.officer_actor
        if master is not None:
            c.duplicate_of = master
            self.play_ended_early(case, ActionCode.MARK_DUPLICATE, intake)
            batch.duplicates.append(c)
        else:
            if fate < 0.06:
                self.play_ended_early(case, ActionCode.MARK_NOT_RELEVANT, intake)
            elif fate < 0.075:
                self.play_ended_early(case, ActionCode.TRANSFER_OUT, intake)
            else:
                self.play_normal(case, intake)
            batch.complaints.append(c)
            self.recent.setdefault(b.pk, deque(maxlen=8)).append(c)
        case.watch(self.now, inclusive=True)
        self.tally(c)

    def tally(self, c: Complaint) -> None:
        r = self.report
        r.complaints += 1
        r.status[c.status] += 1
        if c.status == State.CLOSED:
            r.closed += 1
            assert c.closed_at is not None and c.resolve_due_at is not None
            r.closed_in_time += c.closed_at <= c.resolve_due_at
        r.reopened += c.reopen_count > 0

    # The plans.

    def _delay(self, median: timedelta, low: timedelta, high: timedelta) -> timedelta:
        seconds = self.rng.lognormvariate(math.log(median.total_seconds()), 0.9)
        return max(low, min(high, timedelta(seconds=int(seconds))))

    def play_ended_early(
        self, case: Case, action: ActionCode, intake: tuple[str, int | None]
    ) -> None:
        rng, c = self.rng, case.c
        steps: list[Step] = []
        at = c.received_at
        stage = rng.random()
        if stage > 0.55 or (action == ActionCode.TRANSFER_OUT and stage > 0.3):
            at += self._delay(35 * MINUTE, MINUTE, 8 * HOUR)
            steps.append((at, ActionCode.FORWARD, (intake,)))
            if stage > 0.9:
                at += self._delay(40 * MINUTE, 2 * MINUTE, 12 * HOUR)
                steps.append((at, ActionCode.DISPATCH, ()))
        at += self._delay(3 * HOUR, 10 * MINUTE, 3 * DAY)
        who = intake if rng.random() < 0.6 else case.bi.centre_actor
        steps.append((at, action, (who,)))
        self.run(case, steps)

    def play_normal(self, case: Case, intake: tuple[str, int | None]) -> None:
        rng, c = self.rng, case.c
        r = c.received_at
        span = (c.resolve_due_at or (r + DAY)) - r
        cat_code = self.codes[("c", c.category_id)]
        if rng.random() < RESOLVE_MET.get(cat_code, 0.85):
            total = span * (0.15 + 0.8 * rng.random() ** 0.7)
        else:
            total = span * min(6.0, 1.02 + rng.expovariate(2.0))
        end = r + total
        fwd = r + min(self._delay(35 * MINUTE, MINUTE, 8 * HOUR), total * 0.1)
        disp = fwd + max(MINUTE, min(self._delay(40 * MINUTE, 2 * MINUTE, 12 * HOUR), total * 0.12))
        fixed = disp + (end - disp) * rng.uniform(0.55, 0.85)
        verify = fixed + (end - fixed) * rng.uniform(0.2, 0.6)
        steps: list[Step] = [(fwd, ActionCode.FORWARD, (intake,)), (disp, ActionCode.DISPATCH, ())]
        # Waiting on the customer stops the resolve clock and pushes the rest back.
        if rng.random() < (0.12 if cat_code in ("billing_meter", "service_conduct") else 0.05):
            pause_at = disp + (fixed - disp) * rng.uniform(0.1, 0.6)
            shift = timedelta(seconds=rng.randint(3600, (4 if span > 2 * DAY else 1) * 86400))
            steps.append((pause_at, ActionCode.AWAIT_CUSTOMER, ()))
            steps.append((pause_at + shift, ActionCode.RESUME, ()))
            fixed, verify, end = fixed + shift, verify + shift, end + shift
        # Inform the customer of the plan, usually within the 24-hour target.
        if not c.anonymous and rng.random() < 0.96:
            lo, hi = fwd, fixed
            assert c.inform_due_at is not None
            if rng.random() < INFORM_MET:
                hi = min(hi, c.inform_due_at)
            else:
                lo = max(lo, c.inform_due_at)
            if hi <= lo:
                lo, hi = fwd, fixed
            informed = lo + (hi - lo) * rng.uniform(0.05, 0.95)
            promised = _round_up_half_hour(fixed + (fixed - informed) * rng.uniform(0, 0.3))
            steps.append((informed, ActionCode.INFORM_CUSTOMER, (promised,)))
        steps.append((fixed, ActionCode.REPORT_FIXED, ()))
        if rng.random() < 0.03:  # the fix is sent back once
            gap = verify - fixed
            redo = timedelta(seconds=rng.randint(2 * 3600, 30 * 3600)) + gap
            steps.append((fixed + gap / 2, ActionCode.REJECT_FIX, ()))
            steps.append((fixed + redo, ActionCode.REPORT_FIXED, ()))
            verify, end = verify + redo, end + redo
        steps.append((verify, ActionCode.VERIFY, ()))
        steps.append((end, ActionCode.CLOSE, ()))
        if rng.random() < 0.035:  # the problem comes back after closing
            reopen_at = end + timedelta(seconds=rng.randint(2 * 3600, 12 * 86400))
            due2 = clock.due_at(reopen_at, case.t.resolve_amount, case.t.resolve_unit, case.cal)
            assert due2 is not None
            span2 = due2 - reopen_at
            total2 = span2 * (rng.uniform(0.2, 0.9) if rng.random() < 0.8 else rng.uniform(1.05, 2))
            fixed2 = reopen_at + total2 * rng.uniform(0.5, 0.8)
            close2 = reopen_at + total2
            steps.append((reopen_at, ActionCode.REOPEN, ()))
            steps.append((fixed2, ActionCode.REPORT_FIXED, ()))
            steps.append(
                (fixed2 + (close2 - fixed2) * rng.uniform(0.2, 0.6), ActionCode.VERIFY, ())
            )
            steps.append((close2, ActionCode.CLOSE, ()))
        steps.sort(key=lambda s: s[0])
        # A few complaints get stuck half-way and stay open: the overdue backlog.
        if rng.random() < STALLED:
            steps = self._stall(steps)
        self.run(case, steps)

    def _stall(self, steps: list[Step]) -> list[Step]:
        where = self.rng.choices(
            ["received", "forwarded", "in_progress", "awaiting_customer", "fixed", "verified"],
            weights=[0.5, 1, 3, 2, 1, 2],
        )[0]
        if where == "received":
            return []
        if where == "forwarded":
            return [
                s
                for s in steps
                if s[1] in (ActionCode.FORWARD, ActionCode.INFORM_CUSTOMER) and s[0] <= steps[1][0]
            ][:1]
        if where in ("in_progress", "awaiting_customer"):
            kept = [
                s
                for s in steps
                if s[1] in (ActionCode.FORWARD, ActionCode.DISPATCH, ActionCode.INFORM_CUSTOMER)
            ]
            if where == "awaiting_customer":
                pause = next((s for s in steps if s[1] == ActionCode.AWAIT_CUSTOMER), None)
                at = (
                    pause[0] if pause else kept[-1][0] + self._delay(6 * HOUR, 30 * MINUTE, 3 * DAY)
                )
                kept = [s for s in kept if s[0] < at]
                kept.append((at, ActionCode.AWAIT_CUSTOMER, ()))
            return kept
        stop = ActionCode.REPORT_FIXED if where == "fixed" else ActionCode.VERIFY
        out = []
        for s in steps:
            out.append(s)
            if s[1] == stop:
                break
        return out

    def run(self, case: Case, steps: list[Step]) -> None:
        last = case.c.received_at
        for at, action, args in steps:
            if at > self.now:
                break
            if at <= last:
                raise AssertionError(f"demo plan error: {action} at {at} is not after {last}")
            last = at
            getattr(case, action)(at, *args)


def _round_up_half_hour(at: datetime) -> datetime:
    at = at.replace(second=0, microsecond=0)
    extra = (30 - at.minute % 30) % 30
    return at + timedelta(minutes=extra)


def seed_demo(
    *,
    complaints: int = 2000,
    seed: int = 1,
    batch: int = 5000,
    end: date | None = None,
    technicians_per_branch: int = 2,
    progress: Callable[[str], None] | None = None,
    pipeline: bool | None = None,
    days: int = 730,
    branches: Sequence[str] | None = None,
) -> SeedReport:
    """Add `complaints` demo complaints with their histories; see the module docstring.

    Each batch is one transaction. With `pipeline` (default: on PostgreSQL, unless called
    inside a transaction) a second thread writes batch k on its own connection while this
    one builds batch k+1; tracking numbers are then reserved in their own short transactions.
    """
    started = time.perf_counter()
    gen = Generator(
        seed=seed,
        end=end,
        technicians_per_branch=technicians_per_branch,
        days=days,
        branches=branches,
    )
    report = gen.report
    if progress and report.technicians_created:
        progress(f"created {report.technicians_created} technician accounts")
    if pipeline is None:
        pipeline = connection.vendor == "postgresql" and not connection.in_atomic_block
    done = 0

    def written(b: Batch) -> None:
        nonlocal done
        done += len(b.complaints) + len(b.duplicates)
        report.events += len(b.events)
        report.work_orders += len(b.work_orders)
        elapsed = time.perf_counter() - started
        if progress:
            progress(
                f"{done:>9,}/{complaints:,} complaints  {report.events:>10,} events  "
                f"{elapsed:7.1f}s  {done / elapsed:7.0f}/s"
            )

    if pipeline:
        with _Writer(written) as writer:
            for times in gen.batches(complaints, max(1, batch)):
                writer.put(gen.build(times))
    else:
        for times in gen.batches(complaints, max(1, batch)):
            with transaction.atomic():
                b = gen.build(times)
                b.write()
            written(b)
    _analyze()
    report.seconds = time.perf_counter() - started
    return report
