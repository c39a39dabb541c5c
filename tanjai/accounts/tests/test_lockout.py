"""Wrong passwords lock a username from the address they come from, not everywhere: a
stranger who knows a username cannot lock its owner out. An administrator can unlock."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tanjai.accounts.models import LoginFailure
from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def attempt(username: str, password: str, address: str, **headers: str) -> int:
    return (
        Client(REMOTE_ADDR=address)
        .post(
            "/api/v1/auth/token",
            {"username": username, "password": password},
            content_type="application/json",
            headers=headers,
        )
        .status_code
    )


def lock(username: str, address: str, **headers: str) -> None:
    for _ in range(5):
        assert attempt(username, "guess", address, **headers) == 401
    assert attempt(username, PASSWORD, address, **headers) == 429


def test_a_stranger_cannot_lock_the_owner_out():
    lock("chonburi_manager", ATTACKER)
    assert attempt("chonburi_manager", PASSWORD, OWNER) == 200


def test_the_web_sign_in_locks_by_address_too():
    for _ in range(5):
        Client(REMOTE_ADDR=ATTACKER).post(
            "/staff/login/", {"username": "chonburi_manager", "password": "guess"}
        )
    locked = Client(REMOTE_ADDR=ATTACKER).post(
        "/staff/login/", {"username": "chonburi_manager", "password": PASSWORD}
    )
    assert "โปรดลองใหม่ในอีก 15 นาที" in locked.content.decode()
    owner = Client(REMOTE_ADDR=OWNER).post(
        "/staff/login/", {"username": "chonburi_manager", "password": PASSWORD}
    )
    assert owner.status_code == 302


def test_behind_a_proxy_the_clients_address_counts(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    proxy = "10.0.0.1"  # every request comes from the proxy
    lock("chonburi_manager", proxy, **{"X-Real-IP": ATTACKER})
    assert attempt("chonburi_manager", PASSWORD, proxy, **{"X-Real-IP": OWNER}) == 200


def test_an_ipv6_network_counts_as_one_address():
    """One machine has a whole /64 to itself: changing the last bits does not reset the count."""
    for host in range(1, 6):
        assert attempt("chonburi_manager", "guess", f"2001:db8:1:2::{host}") == 401
    assert attempt("chonburi_manager", PASSWORD, "2001:db8:1:2::99") == 429
    assert attempt("chonburi_manager", PASSWORD, "2001:db8:1:3::1") == 200


def test_many_usernames_from_one_address_still_lock_that_address():
    for n in range(20):
        assert attempt(f"nobody{n}", "guess", ATTACKER) == 401
    assert attempt("chonburi_manager", PASSWORD, ATTACKER) == 429
    assert attempt("chonburi_manager", PASSWORD, OWNER) == 200


def test_an_administrator_unlocks_with_the_cli():
    lock("chonburi_manager", ATTACKER)
    lock("chonburi_centre", ATTACKER)
    call_command("tanjai_unlock", "chonburi_manager")
    assert attempt("chonburi_manager", PASSWORD, ATTACKER) == 200
    assert attempt("chonburi_centre", PASSWORD, ATTACKER) == 429


def test_an_administrator_unlocks_in_the_admin(client):
    lock("chonburi_manager", ATTACKER)
    client.login(username="admin", password=PASSWORD)
    manager = get_user_model().objects.get(username="chonburi_manager")
    response = client.post(
        "/admin/auth/user/", {"action": "unlock_sign_in", "_selected_action": [manager.pk]}
    )
    assert response.status_code == 302
    assert attempt("chonburi_manager", PASSWORD, ATTACKER) == 200
    # The failed sign-ins are listed for the administrator, read-only.
    lock("chonburi_manager", ATTACKER)
    page = client.get("/admin/accounts/loginfailure/")
    assert page.status_code == 200 and ATTACKER in page.content.decode()
    assert LoginFailure.objects.filter(username="chonburi_manager").count() == 5
