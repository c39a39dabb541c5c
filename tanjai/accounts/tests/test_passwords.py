"""The password policy (Django's validators) holds wherever a password is set, the command
line included."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def createuser(username: str, password: str) -> None:
    call_command(
        "tanjai_createuser",
        username,
        role="centre_staff",
        scope="branch:chonburi",
        password=password,
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1", "too short"),
        ("password123", "too common"),
        ("83927461055", "entirely numeric"),
        ("somsri.jaidee", "too similar"),
    ],
)
def test_createuser_refuses_a_weak_password(password, reason):
    with pytest.raises(CommandError, match=reason):
        createuser("somsri.jaidee", password)
    assert not get_user_model().objects.filter(username="somsri.jaidee").exists()


def test_createuser_refuses_a_weak_password_for_an_existing_account_and_keeps_the_old_one():
    with pytest.raises(CommandError, match="too short"):
        createuser("chonburi_centre", "1")
    from tanjai.conftest import PASSWORD

    assert get_user_model().objects.get(username="chonburi_centre").check_password(PASSWORD)


def test_createuser_accepts_a_good_password():
    createuser("somsri.jaidee", "Ch0nburi-Water-69")
    assert (
        get_user_model().objects.get(username="somsri.jaidee").check_password("Ch0nburi-Water-69")
    )
