"""Shared test fixtures: seeded reference data and the people of the process.

Personas (all demo password "pw-tanjai-test"):
- call_centre: a 1662 call-centre officer (organisation-wide channel officer)
- chonburi_officer / chonburi_centre / chonburi_tech / chonburi_manager: Chonburi branch (region 1)
- khonkaen_centre / khonkaen_manager: Khon Kaen branch (region 6), to show scope refusals
- region1 / region6: region officers; analyst, committee, evaluator: read-only roles
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db.models import Model
from django.test import Client, override_settings

from tanjai.accounts.scope import Actor, actor_for

PASSWORD = "pw-tanjai-test"

PERSONAS = [
    ("call_centre", "channel_officer", "org"),
    ("chonburi_officer", "channel_officer", "branch:chonburi"),
    ("chonburi_centre", "centre_staff", "branch:chonburi"),
    ("chonburi_tech", "technician", "branch:chonburi"),
    ("chonburi_tech2", "technician", "branch:chonburi"),
    ("chonburi_manager", "branch_manager", "branch:chonburi"),
    ("khonkaen_centre", "centre_staff", "branch:khon-kaen"),
    ("khonkaen_tech", "technician", "branch:khon-kaen"),
    ("khonkaen_manager", "branch_manager", "branch:khon-kaen"),
    ("region1", "region_officer", "region:1"),
    ("region6", "region_officer", "region:6"),
    ("analyst", "hq_analyst", "org"),
    ("committee", "committee", "org"),
    ("evaluator", "evaluator", "org"),
    ("admin", "admin", "org"),
]


def seed_world() -> None:
    from tanjai.accounts.services import user_create
    from tanjai.seed import all_seed
    from tanjai.sla.services import calendar_cache_clear

    all_seed()
    calendar_cache_clear()
    for username, role, scope in PERSONAS:
        user_create(
            username=username,
            role=role,
            scope=scope,
            password=PASSWORD,
            # "admin@pwa.test" is too like PASSWORD for the password policy, which holds here too.
            email="administrator@pwa.test" if username == "admin" else f"{username}@pwa.test",
        )


class WorldRows:
    """Every row of the database as seed_world() leaves it, taken once and put back for each
    transactional test: the same world as seeding again, without hashing fifteen passwords."""

    def __init__(self) -> None:
        from django.db import connection

        quote = connection.ops.quote_name
        self.inserts: list[tuple[str, list[tuple[Any, ...]]]] = []
        for model in _flushed_models():
            fields = model._meta.concrete_fields
            rows = model._base_manager.order_by("pk").values_list(*(f.attname for f in fields))
            if not rows:
                continue
            columns = ", ".join(quote(f.column) for f in fields)
            self.inserts.append(
                (
                    f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(fields))})",
                    # As the field would save the value: JSON encoded, dates in the
                    # database's format.
                    [
                        tuple(
                            f.get_db_prep_save(v, connection)
                            for f, v in zip(fields, row, strict=True)
                        )
                        for row in rows
                    ],
                )
            )

    def restore(self) -> None:
        """Empty the tables, as a transactional test's flush does, then insert the rows again
        with their own primary keys (foreign keys are checked at commit)."""
        from django.contrib.contenttypes.models import ContentType
        from django.core.management.color import no_style
        from django.db import connection, transaction

        from tanjai.sla.services import calendar_cache_clear

        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            filled = []
            for table in _flushed_tables():
                cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    filled.append(table)
            # Only the tables with rows (and those pointing at them): on PostgreSQL each
            # table truncated costs a new file.
            for sql in connection.ops.sql_flush(no_style(), filled, allow_cascade=True):
                cursor.execute(sql)
            for insert, rows in self.inserts:
                cursor.executemany(insert, rows)
        # The flush's post_migrate made content types under other ids than these.
        ContentType.objects.clear_cache()
        calendar_cache_clear()


def _flushed_tables() -> list[str]:
    """The tables a transactional test empties after it (Django's flush)."""
    from django.db import connection

    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def _flushed_models() -> list[type[Model]]:
    from django.apps import apps

    tables = set(_flushed_tables())
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.db_table in tables and m._meta.managed and not m._meta.proxy
    ]
    missing = tables - {m._meta.db_table for m in models}
    if missing:
        raise RuntimeError(f"tables without a model to restore them: {sorted(missing)}")
    return models


@pytest.fixture(scope="session")
def world_rows(django_db_setup) -> WorldRows:
    return django_db_setup


class QuickPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 as in production, and so hashes that any deployment can check, with
    few rounds: the suite sets or checks a password some five hundred times, at 0.3 s for
    each full-strength hash."""

    iterations = 1_000


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashes():
    with override_settings(PASSWORD_HASHERS=[f"{__name__}.QuickPasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> WorldRows:
    with django_db_blocker.unblock():
        seed_world()
        return WorldRows()


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction around the tests of a module, for rows that a module-scoped fixture
    writes once and the tests only read. Each test still runs in a savepoint of its own, so
    what it writes is undone after it; the module's rows are rolled back after its last test.
    Not for transactional tests, which commit and flush."""
    from django.test import TestCase

    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
    yield
    with django_db_blocker.unblock():
        TestCase._rollback_atomics(atomics)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In each module, the tests that do not use its module_transaction run before the first
    that does, so that none of them runs inside it and sees rows it did not ask for."""

    def shares(item: pytest.Item) -> bool:
        return "module_transaction" in getattr(item, "fixturenames", ())

    ordered: list[pytest.Item] = []
    start = 0
    for end in range(1, len(items) + 1):
        if end == len(items) or items[end].path != items[start].path:
            run = items[start:end]
            ordered += [item for item in run if not shares(item)]
            ordered += [item for item in run if shares(item)]
            start = end
    items[:] = ordered


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into var/ of a running demo."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reseed(transactional_db, world_rows):
    """Transactional tests start from an emptied database: put the seeded world back."""
    world_rows.restore()
    call_command("check")


@pytest.fixture
def persona(db) -> Callable[[str], Actor]:
    from django.contrib.auth import get_user_model

    def get(username: str) -> Actor:
        return actor_for(get_user_model().objects.get(username=username))

    return get


class Api:
    """An HTTP client of /api/v1 signed in with a bearer token, as an integration would."""

    def __init__(self, username: str) -> None:
        self.client = Client()
        response = self.client.post(
            "/api/v1/auth/token",
            {"username": username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None):
        return self.client.post(
            f"/api/v1{path}",
            body if body is not None else {},
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def act(self, tracking_no: str, action: str, body: dict | None = None, **kw: Any):
        return self.post(f"/complaints/{tracking_no}/actions/{action}", body or {}, **kw)


@pytest.fixture
def api(db) -> Callable[[str], Api]:
    return Api


def new_complaint_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "channel": "phone",
        "category": "supply",
        "subcategory": "no_water",
        "description": "น้ำไม่ไหลตั้งแต่เมื่อคืน บ้านเลขที่ 12/3 ซอยวัดใหม่",
        "branch": "chonburi",
        "customer": {"name": "สมชาย ใจดี", "phone": "081-234-5678", "account_no": "1234567890"},
        "location": {"address": "12/3 ซอยวัดใหม่ ต.บ้านสวน", "lat": 13.36, "lon": 100.98},
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def register(persona):
    """Register a complaint through the intake service, as a channel officer would."""
    from tanjai.intake.services import complaint_register

    def make(by: str = "call_centre", **overrides: Any):
        complaint, _ = complaint_register(
            actor=persona(by), data=new_complaint_payload(**overrides)
        )
        return complaint

    return make


# The usual way through the process, by the Chonburi personas (steps 2, 3, 5, 6).
HAPPY_PATH: list[tuple[str, str, dict[str, Any]]] = [
    ("forward", "call_centre", {}),
    ("dispatch", "chonburi_centre", {"assignees": ["chonburi_tech"], "team_type": "mr_prapa"}),
    ("report_fixed", "chonburi_tech", {"result": "ซ่อมเสร็จเรียบร้อย"}),
    ("verify", "chonburi_centre", {}),
    ("close", "chonburi_centre", {"customer_reached": True, "satisfaction": 4}),
]


@pytest.fixture
def advance(persona):
    """Take a complaint along the usual path up to and including the action `through`."""
    from tanjai.complaints.services import complaint_act

    def go(complaint, through: str):
        for action, who, data in HAPPY_PATH:
            complaint = complaint_act(
                tracking_no=complaint.tracking_no, actor=persona(who), action=action, data=data
            )
            if action == through:
                return complaint
        raise ValueError(f"{through} is not on the usual path")

    return go
