from __future__ import annotations

import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tanjai.accounts.scope import actor_for

pytestmark = pytest.mark.django_db


def test_createuser_gives_a_role_and_a_scope():
    call_command(
        "tanjai_createuser",
        "somsri",
        role="centre_staff",
        scope="branch:pattaya",
        password="x-1234-y",
    )
    actor = actor_for(get_user_model().objects.get(username="somsri"))
    assert actor.roles == {"centre_staff"} and actor.scope_level == "branch"
    assert actor.region_id is not None
    for bad in ("branch:atlantis", "region:11", "planet"):
        with pytest.raises(CommandError):
            call_command("tanjai_createuser", "x", role="centre_staff", scope=bad, password="pw")


def test_the_tanjai_console_script_maps_friendly_names():
    out = subprocess.run(
        [sys.executable, "-m", "tanjai.cli", "createuser", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--scope" in out.stdout


def test_repeated_wrong_passwords_lock_the_username_even_for_the_right_one(client):
    def attempt(password: str):
        return client.post(
            "/api/v1/auth/token",
            {"username": "chonburi_centre", "password": password},
            content_type="application/json",
        )

    for _ in range(5):
        assert attempt("guess").status_code == 401
    locked = attempt("pw-tanjai-test")
    assert locked.status_code == 429 and "15 minutes" in locked.json()["detail"]
    # Other people are not locked out by it.
    other = client.post(
        "/api/v1/auth/token",
        {"username": "chonburi_manager", "password": "pw-tanjai-test"},
        content_type="application/json",
    )
    assert other.status_code == 200
