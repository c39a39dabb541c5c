"""A batch of built rows and how it reaches the database: bulk_create (SQLite), COPY with
primary keys reserved from the sequences (PostgreSQL), and the writer thread that writes one
batch while the next is being built."""

from __future__ import annotations

import functools
import json
import operator
import queue
import random
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from tanjai.complaints.models import Complaint, Event
from tanjai.demo.generator.world import World
from tanjai.dispatch.models import WorkOrder

# --- a batch: build, then write ----------------------------------------------------------


# An event row before its complaint has an id: (complaint, at, actor_id, actor_label, action,
# from_state, to_state, note, data).
EventRow = tuple[Complaint, datetime, int | None, str, str, str, str, str, dict[str, Any]]


class Batch:
    def __init__(self, world: World, rng: random.Random, now: datetime, codes: dict) -> None:
        self.world, self.rng, self.now, self.codes = world, rng, now, codes
        self.complaints: list[Complaint] = []
        self.duplicates: list[Complaint] = []
        self.events: list[EventRow] = []
        self.work_orders: list[WorkOrder] = []
        self.refs: list[dict[str, Any]] = []

    def write(self) -> None:
        if connection.vendor == "postgresql":
            self._write_copy()
        else:
            self._write_bulk_create()

    def _resolve_refs(self) -> None:
        """Work-order references in event data become primary keys once the orders have them."""
        for data in self.refs:
            if isinstance(data.get("work_order"), WorkOrder):
                data["work_order"] = data["work_order"].pk
            if "work_orders" in data:
                data["work_orders"] = [wo.pk for wo in data["work_orders"]]

    def _assignee_rows(self) -> list[tuple[int, int]]:
        return [
            (wo.pk, user_id)
            for wo in self.work_orders
            for user_id, _ in wo.demo_assignees  # type: ignore[attr-defined]
        ]

    def _write_bulk_create(self) -> None:
        Complaint.objects.bulk_create(self.complaints)
        # Duplicates point at complaints of this batch or earlier ones, all saved by now.
        Complaint.objects.bulk_create(self.duplicates)
        WorkOrder.objects.bulk_create(self.work_orders)
        Through = WorkOrder.assignees.through
        Through.objects.bulk_create(
            [Through(workorder_id=w, user_id=u) for w, u in self._assignee_rows()]
        )
        self._resolve_refs()
        Event.objects.bulk_create(
            [
                Event(
                    complaint_id=c.pk,
                    at=at,
                    actor_id=actor_id,
                    actor_label=label,
                    action=action,
                    from_state=from_state,
                    to_state=to_state,
                    note=note,
                    data=data,
                )
                for c, at, actor_id, label, action, from_state, to_state, note, data in self.events
            ]
        )

    def _write_copy(self) -> None:
        """PostgreSQL: the same rows with COPY, several times faster than bulk_create's INSERT.

        Primary keys are reserved from the tables' sequences first (one query per table),
        so that rows can point at each other without reading anything back.
        """
        complaints = self.complaints + self.duplicates
        with connection.cursor() as cursor:
            for c, pk in zip(
                complaints, _reserve_ids(cursor, Complaint, len(complaints)), strict=True
            ):
                c.pk = pk
            for c in self.duplicates:
                c.duplicate_of_id = c.duplicate_of.pk  # type: ignore[union-attr]
            for wo, pk in zip(
                self.work_orders,
                _reserve_ids(cursor, WorkOrder, len(self.work_orders)),
                strict=True,
            ):
                wo.pk = pk
                wo.complaint_id = wo.complaint.pk
            _copy_models(cursor, Complaint, complaints)
            _copy_models(cursor, WorkOrder, self.work_orders)
            through = WorkOrder.assignees.through._meta.db_table
            _copy_rows(cursor, through, ["workorder_id", "user_id"], self._assignee_rows())
            self._resolve_refs()
            _copy_rows(
                cursor,
                Event._meta.db_table,
                [
                    "complaint_id",
                    "at",
                    "actor_id",
                    "actor_label",
                    "action",
                    "from_state",
                    "to_state",
                    "note",
                    "data",
                ],
                (
                    (
                        c.pk,
                        at,
                        actor_id,
                        label,
                        action,
                        from_state,
                        to_state,
                        note,
                        json.dumps(data),
                    )
                    for c, at, actor_id, label, action, from_state, to_state, note, data in self.events
                ),
            )


def _reserve_ids(cursor: Any, model: type[models.Model], n: int) -> list[int]:
    if not n:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [table, column, n],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy_rows(cursor: Any, table: str, columns: list[str], rows: Any) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _json_attr(attname: str, obj: Any) -> str:
    return json.dumps(getattr(obj, attname))


def _constant(value: Any, obj: Any) -> Any:
    return value


def _copy_models(cursor: Any, model: type[models.Model], objs: list[Any]) -> None:
    """Every concrete column of `objs` as the model would save it (JSON encoded, auto_now set)."""
    if not objs:
        return
    now = timezone.now()
    getters: list[Callable[[Any], Any]] = []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.JSONField):
            getters.append(functools.partial(_json_attr, f.attname))
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            getters.append(functools.partial(_constant, now))
        else:
            getters.append(operator.attrgetter(f.attname))
    columns = [f.column for f in model._meta.concrete_fields]
    _copy_rows(cursor, model._meta.db_table, columns, ([g(o) for g in getters] for o in objs))


def _analyze() -> None:
    """Fresh planner statistics, since the tables have just changed wholesale; on PostgreSQL
    also VACUUM (outside a transaction only) so that the visibility map allows index-only
    scans, as autovacuum would after a while."""
    tables = [
        Complaint._meta.db_table,
        Event._meta.db_table,
        WorkOrder._meta.db_table,
        WorkOrder.assignees.through._meta.db_table,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(t) for t in tables)
            vacuum = "VACUUM (ANALYZE) " if not connection.in_atomic_block else "ANALYZE "
            cursor.execute(vacuum + names)
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute("ANALYZE " + connection.ops.quote_name(table))


class _Writer:
    """Writes batches in a thread of its own (and so on a database connection of its own)."""

    def __init__(self, written: Callable[[Batch], None]) -> None:
        self.written = written
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="seed-demo-writer", daemon=True)

    def __enter__(self) -> _Writer:
        self.thread.start()
        return self

    def put(self, batch: Batch) -> None:
        if self.error is not None:
            raise RuntimeError("writing demo complaints failed") from self.error
        self.queue.put(batch)

    def __exit__(self, *exc: object) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise RuntimeError("writing demo complaints failed") from self.error

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is not None:
                    continue  # keep draining so that the builder never blocks
                try:
                    with transaction.atomic():
                        batch.write()
                    self.written(batch)
                except BaseException as exc:  # handed to the builder thread
                    self.error = exc
        finally:
            connection.close()
