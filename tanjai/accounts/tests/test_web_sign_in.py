"""Staff sign-in on the web: Thai first, the same lockout as the API, and the day's queues."""

from __future__ import annotations

import pytest

from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_speaks_thai_and_uses_sarabun(client):
    page = client.get("/staff/login/").content.decode()
    assert "เข้าสู่ระบบ" in page and 'lang="th"' in page
    assert "tanjai/fonts.css" in page and "vendor/htmx/htmx.min.js" in page
    assert client.get("/static/vendor/sarabun/sarabun-thai-400-normal.woff2").status_code == 200


def test_a_centre_officer_signs_in_and_sees_the_queues_of_the_branch(client, register):
    register()  # a new complaint in Chonburi
    register(branch="khon-kaen", location=None)  # and one elsewhere
    response = client.post("/staff/login/", {"username": "chonburi_centre", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    page = client.get("/staff/").content.decode()
    assert "งานของฉัน" in page
    assert (
        '<tr data-queue="to_forward"><td><a href="/staff/queues/to_forward/">'
        "เรื่องใหม่ รอส่งต่อ</a></td><td>1</td></tr>"
    ) in page
    from django.utils import timezone

    assert str(timezone.localdate().year + 543) in page  # the date in the Buddhist Era
    english = client.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    assert english.status_code == 302
    assert "New, to forward" in client.get("/staff/").content.decode()


def test_wrong_passwords_lock_the_web_sign_in_too(client):
    for _ in range(5):
        page = client.post("/staff/login/", {"username": "chonburi_manager", "password": "guess"})
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page.content.decode()
    locked = client.post("/staff/login/", {"username": "chonburi_manager", "password": PASSWORD})
    assert locked.status_code == 200
    assert "โปรดลองใหม่ในอีก 15 นาที" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_signed_in_user_and_sign_out_ends_the_session(client):
    assert client.get("/staff/")["Location"].startswith("/staff/login/")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.post("/staff/login/", {"username": "admin", "password": PASSWORD})
    assert client.get("/admin/").status_code == 200
    client.post("/staff/logout/")
    assert client.get("/staff/").status_code == 302


def test_changing_ones_password(client):
    client.post("/staff/login/", {"username": "chonburi_tech", "password": PASSWORD})
    response = client.post(
        "/staff/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Ch0nburi-Water-69",
            "new_password2": "Ch0nburi-Water-69",
        },
    )
    assert response.status_code == 302
    client.post("/staff/logout/")
    assert (
        client.post(
            "/staff/login/", {"username": "chonburi_tech", "password": "Ch0nburi-Water-69"}
        ).status_code
        == 302
    )


def test_thai_even_for_a_browser_set_up_in_english(client):
    page = client.get("/staff/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "เข้าสู่ระบบ" in page.content.decode() and page["Content-Language"] == "th"
