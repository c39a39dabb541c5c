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
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_world()


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction around the tests of a module, for rows that a module-scoped fixture
    writes once and the tests only read. Each test still runs in a savepoint of its own, so
    what it writes is undone after it; the module's rows are rolled back after its last test.
    Not for transactional tests, which commit and flush."""
    from django.test import TestCase

    # The class-level transaction of Django's TestCase (setUpTestData), so that the code
    # under test meets the same nesting as in Django's own test cases.
    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()  # type: ignore[attr-defined]
    yield
    with django_db_blocker.unblock():
        TestCase._rollback_atomics(atomics)  # type: ignore[attr-defined]


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
def reseed(transactional_db):
    """Transactional tests start from an emptied database: seed it again."""
    seed_world()
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
