"""The admin pages for reference data, organisation and users open for an administrator."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/organisation/region/",
    "/admin/organisation/branch/",
    "/admin/organisation/unit/",
    "/admin/reference/channel/",
    "/admin/reference/category/",
    "/admin/reference/category/1/change/",
    "/admin/reference/subcategory/",
    "/admin/sla/slapolicy/",
    "/admin/sla/calendarsettings/",
    "/admin/sla/calendarday/",
    "/admin/auth/user/",
    "/admin/accounts/personaldataaccess/",
    "/admin/dispatch/serviceteam/",
]


def test_admin_pages_open_for_an_administrator(client):
    assert client.login(username="admin", password="pw-tanjai-test")
    for page in PAGES:
        assert client.get(page).status_code == 200, page


def test_staff_without_admin_rights_are_kept_out(client):
    assert client.login(username="chonburi_centre", password="pw-tanjai-test")
    assert client.get("/admin/reference/category/").status_code == 302
