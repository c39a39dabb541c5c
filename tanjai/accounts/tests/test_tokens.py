"""API tokens end: the one in hand, all of one's own, and every one of a person whose
password changes or who is deactivated. One's own tokens can be listed, never read back."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tanjai.accounts.models import ApiToken
from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ch0nburi-Water-69"


def token_for(username: str, password: str = PASSWORD, **extra: str) -> str:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def works(token: str) -> bool:
    """Whether the token still opens the API (the list of complaints)."""
    status = Client().get("/api/v1/complaints", headers=bearer(token)).status_code
    assert status in {200, 401}, status
    return status == 200


def assert_error_shape(response, status: int) -> None:
    assert response.status_code == status, response.content
    assert set(response.json()) == {"detail", "errors"}


def test_a_token_revokes_itself_and_the_others_go_on(client):
    laptop, script = token_for("call_centre"), token_for("call_centre")
    response = client.delete("/api/v1/auth/token", headers=bearer(laptop))
    assert response.status_code == 204
    assert not works(laptop) and works(script)
    # Revoked means gone: a second revocation with it is not signed in.
    assert_error_shape(client.delete("/api/v1/auth/token", headers=bearer(laptop)), 401)


def test_revoking_needs_a_token(client):
    assert_error_shape(client.delete("/api/v1/auth/token"), 401)
    assert_error_shape(client.delete("/api/v1/auth/token", headers=bearer("tj_nonsense")), 401)
    # A staff session is not a token: there is nothing for this call to revoke.
    client.login(username="call_centre", password=PASSWORD)
    assert_error_shape(client.delete("/api/v1/auth/token"), 401)


def test_one_lists_ones_own_tokens_without_their_secrets(client):
    laptop = token_for("call_centre", name="laptop")
    token_for("call_centre", name="nightly import")
    others = token_for("chonburi_centre", name="not mine")
    assert works(laptop)
    response = client.get("/api/v1/auth/tokens", headers=bearer(laptop))
    assert response.status_code == 200
    listed = response.json()
    assert sorted(t["name"] for t in listed) == ["laptop", "nightly import"]
    for item in listed:
        assert set(item) == {"id", "name", "created_at", "expires_at", "last_used_at", "current"}
    current = [t for t in listed if t["current"]]
    assert [t["name"] for t in current] == ["laptop"]
    assert current[0]["last_used_at"] is not None
    assert laptop not in response.content.decode() and others not in response.content.decode()
    # A signed-in staff member sees the same list in the browser's session.
    client.login(username="call_centre", password=PASSWORD)
    in_session = client.get("/api/v1/auth/tokens").json()
    assert len(in_session) == 2 and not any(t["current"] for t in in_session)


def test_one_revokes_one_of_ones_tokens_by_its_id_but_not_someone_elses(client):
    laptop, lost = token_for("call_centre"), token_for("call_centre", name="lost phone")
    stranger = token_for("chonburi_centre")
    lost_id = ApiToken.objects.get(name="lost phone").pk
    stranger_id = ApiToken.objects.get(user__username="chonburi_centre").pk
    assert_error_shape(
        client.delete(f"/api/v1/auth/tokens/{stranger_id}", headers=bearer(laptop)), 404
    )
    assert works(stranger)
    assert (
        client.delete(f"/api/v1/auth/tokens/{lost_id}", headers=bearer(laptop)).status_code == 204
    )
    assert not works(lost) and works(laptop)
    assert_error_shape(client.delete(f"/api/v1/auth/tokens/{lost_id}", headers=bearer(laptop)), 404)


def test_one_revokes_all_ones_tokens_at_once(client):
    mine = [token_for("call_centre") for _ in range(3)]
    stranger = token_for("chonburi_centre")
    response = client.delete("/api/v1/auth/tokens", headers=bearer(mine[0]))
    assert response.status_code == 200 and response.json() == {"revoked": 3}
    assert not any(works(t) for t in mine) and works(stranger)


def test_changing_ones_password_on_the_staff_page_ends_ones_tokens(client):
    token = token_for("chonburi_tech")
    client.login(username="chonburi_tech", password=PASSWORD)
    response = client.post(
        "/staff/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not works(token)
    assert not ApiToken.objects.filter(user__username="chonburi_tech").exists()
    assert works(token_for("chonburi_tech", NEW_PASSWORD))


def test_a_password_set_by_an_administrator_ends_the_tokens(client):
    token = token_for("chonburi_tech")
    user = get_user_model().objects.get(username="chonburi_tech")
    client.login(username="admin", password=PASSWORD)
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert not works(token)


def test_a_password_changed_any_other_way_ends_the_tokens_too():
    """`manage.py changepassword`, a shell: the token is bound to the password it was
    issued under, whoever changes it."""
    token = token_for("chonburi_tech")
    user = get_user_model().objects.get(username="chonburi_tech")
    user.set_password(NEW_PASSWORD)
    user.save()
    assert not works(token)
    assert not ApiToken.objects.filter(user=user).exists()  # revoked when it was shown


def test_createuser_resetting_a_password_ends_the_tokens():
    token = token_for("chonburi_tech")
    call_command(
        "tanjai_createuser",
        "chonburi_tech",
        role="technician",
        scope="branch:chonburi",
        password=NEW_PASSWORD,
    )
    assert not works(token)
    assert not ApiToken.objects.filter(user__username="chonburi_tech").exists()


def test_deactivating_an_account_in_the_admin_revokes_its_tokens(client):
    token = token_for("chonburi_tech")
    user = get_user_model().objects.get(username="chonburi_tech")
    client.login(username="admin", password=PASSWORD)
    page = client.get(f"/admin/auth/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in {"password", "groups", "user_permissions", "last_login", "is_active"}
    }
    data["groups"] = [g.pk for g in user.groups.all()]
    data.update(
        {
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "1",
            "staff_profile-0-id": user.staff_profile.pk,
            "staff_profile-0-user": user.pk,
            "staff_profile-0-scope_level": user.staff_profile.scope_level,
            "staff_profile-0-region": user.staff_profile.region_id,
            "staff_profile-0-branch": user.staff_profile.branch_id,
            "staff_profile-0-phone": "",
        }
    )
    response = client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user).exists()
    # Active again, the old token stays dead.
    get_user_model().objects.filter(pk=user.pk).update(is_active=True)
    assert not works(token)


def test_an_administrator_revokes_a_persons_tokens_in_the_admin_and_the_cli(client):
    first, second = token_for("chonburi_tech"), token_for("chonburi_centre")
    mine = token_for("call_centre")
    users = get_user_model().objects.filter(username__in=["chonburi_tech", "chonburi_centre"])
    client.login(username="admin", password=PASSWORD)
    response = client.post(
        "/admin/auth/user/",
        {"action": "revoke_api_tokens", "_selected_action": [u.pk for u in users]},
    )
    assert response.status_code == 302
    assert not works(first) and not works(second) and works(mine)

    call_command("tanjai_revoke_tokens", "call_centre")
    assert not works(mine)


def test_the_api_document_describes_revoking_and_listing(client):
    spec = client.get("/api/v1/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorOut"}

    def answers(path: str, method: str) -> dict:
        return spec["paths"][path][method]["responses"]

    revoke = answers("/api/v1/auth/token", "delete")
    assert "204" in revoke and revoke["401"]["content"]["application/json"]["schema"] == error
    one = answers("/api/v1/auth/tokens/{token_id}", "delete")
    for status in ("400", "401", "404"):  # 400: an id that is not a number
        assert one[status]["content"]["application/json"]["schema"] == error

    def schema(answer: dict) -> dict:
        body = answer["content"]["application/json"]["schema"]
        ref = body.get("items", body)["$ref"]
        return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]

    item = schema(answers("/api/v1/auth/tokens", "get")["200"])
    assert "last_used_at" in item["properties"] and "token" not in item["properties"]
    assert set(schema(answers("/api/v1/auth/tokens", "delete")["200"])["properties"]) == {"revoked"}
    issued = schema(answers("/api/v1/auth/token", "post")["200"])
    assert {"token", "id", "name", "expires_at"} <= set(issued["properties"])
