"""A technician's work orders on a phone: the jobs come first, the filters fold away, days
are read and typed in the Buddhist Era whatever the browser's language, and no menu offers
to register a complaint, which a technician may not do (the form itself refuses them)."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tanjai.complaints.models import Complaint
from tanjai.complaints.queue_views import QUEUES
from tanjai.complaints.tests import test_browser
from tanjai.conftest import PASSWORD
from tanjai.core.dates import day_parse as thai_day_parse
from tanjai.intake.tests.test_entry_form import FORM

BANGKOK = ZoneInfo("Asia/Bangkok")
# A day as an English browser's <input type=date> shows it: month first, Christian era.
US_DAY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")

browser = test_browser.browser  # the same module-scoped Chromium, skipped when missing


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_a_technician_is_neither_offered_nor_given_the_entry_form(client):
    signed_in(client, "chonburi_tech")
    home = client.get("/staff/").content.decode()
    assert 'href="/staff/new/"' not in home
    assert client.get("/staff/new/").status_code == 403
    assert client.post("/staff/new/", FORM).status_code == 403
    assert client.post("/staff/new/customer/", {"customer_phone": "0812345678"}).status_code == 403
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["chonburi_officer", "chonburi_centre", "chonburi_manager"])
def test_those_who_register_are_offered_the_entry_form(client, username):
    signed_in(client, username)
    assert 'href="/staff/new/"' in client.get("/staff/").content.decode()
    assert client.get("/staff/new/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username",
    ["call_centre", "chonburi_centre", "chonburi_manager", "region1", "analyst", "admin"],
)
def test_every_queue_still_opens_for_the_other_roles(client, register, username):
    register()
    signed_in(client, username)
    for code, _label in QUEUES:
        url = f"/staff/queues/{code}/"
        assert client.get(url).status_code == 200, url
        rows = client.get(url, {"category": "supply"}, headers={"HX-Request": "true"})
        assert rows.status_code == 200 and "<html" not in rows.content.decode(), url


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("1/5/2569", date(2026, 5, 1)),
        ("01/05/69", date(2026, 5, 1)),
        ("๑/๕/๒๕๖๙", date(2026, 5, 1)),
        ("1 พ.ค. 2569", date(2026, 5, 1)),
        ("1.5.2026", date(2026, 5, 1)),
        ("2026-05-01", date(2026, 5, 1)),  # links made before, with ISO days
        ("29/2/2567", date(2024, 2, 29)),
        ("29/2/2569", None),
        ("5/13/2569", None),
        ("yesterday", None),
    ],
)
def test_a_day_is_read_as_thai_people_write_it(typed, day):
    assert thai_day_parse(typed) == day


@pytest.mark.django_db
def test_the_queue_filters_by_days_typed_in_the_buddhist_era(client, register):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=BANGKOK), tick=False):
        older = register(description="น้ำไม่ไหลตั้งแต่ต้นเดือน").tracking_no
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=BANGKOK), tick=False):
        newer = register(description="น้ำไม่ไหลกลางเดือน").tracking_no
    signed_in(client, "chonburi_centre")
    page = client.get("/staff/queues/to_forward/", {"received_from": "10/11/2569"})
    html = page.content.decode()
    assert newer in html and older not in html
    assert 'type="date"' not in html
    assert 'value="10/11/2569"' in html  # the day as typed, in the Buddhist Era
    assert "ตัวกรอง · ใช้อยู่ 1" in html
    until = client.get("/staff/queues/to_forward/", {"received_to": "2026-11-10"}).content
    assert older in until.decode() and newer not in until.decode()
    assert 'value="10/11/2569"' in until.decode()  # an ISO link, shown in the Buddhist Era
    # A day that is no day is dropped, the list still shown.
    bad = client.get("/staff/queues/to_forward/", {"received_from": "31/2/2569"}).content
    assert older in bad.decode() and newer in bad.decode()
    assert "ตัวกรอง · ใช้อยู่" not in bad.decode()
    # HTMX swaps the rows and, out of band, the count of filters in use.
    rows = client.get(
        "/staff/queues/to_forward/",
        {"received_from": "10/11/2569", "category": "supply"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'id="filters-in-use" hx-swap-oob="true"' in rows and "ใช้อยู่ 2" in rows


@pytest.mark.django_db
def test_a_technician_does_not_filter_own_work_orders_by_technician(client):
    signed_in(client, "chonburi_centre")
    assert 'name="technician"' in client.get("/staff/queues/to_inform/").content.decode()
    signed_in(client, "chonburi_tech")
    assert 'name="technician"' not in client.get("/staff/queues/my_jobs/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_with_an_english_browser_the_jobs_come_first(
    reseed, register, advance, browser, live_server
):
    numbers = [
        advance(register(description=f"ท่อแตกหน้าบ้านเลขที่ {n}"), "dispatch").tracking_no
        for n in range(3)
    ]
    page = browser.new_page(viewport={"width": 360, "height": 740}, locale="en-US")
    try:
        page.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
        page.goto(f"{live_server.url}/staff/login/")
        page.fill("#id_username", "chonburi_tech")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/staff/")
        assert page.evaluate("navigator.language") == "en-US"
        assert page.locator("header a[href='/staff/new/']").count() == 0

        page.goto(f"{live_server.url}/staff/queues/my_jobs/")
        first = page.locator("#rows tr[data-tracking-no]").first
        assert first.get_attribute("data-tracking-no") in numbers
        box = first.bounding_box()
        assert box is not None and box["y"] < 740, box  # in the first screen, no scrolling
        assert page.locator("#filters").evaluate("d => d.open") is False
        assert no_us_days(page)

        # The filters open from their one line; a day is typed in the Buddhist Era.
        page.click("#filters summary")
        today = timezone.localdate()
        typed = f"{today.day}/{today.month}/{today.year + 543}"
        assert "พ.ศ." in (page.get_attribute("#id_received_from", "placeholder") or "")
        # The filters go by POST (a phone number typed in the search stays out of URLs).
        with page.expect_response(
            lambda r: r.request.method == "POST" and "received_from=" in (r.request.post_data or "")
        ):
            page.fill("#id_received_from", typed)
            page.press("#id_received_from", "Tab")
        page.wait_for_selector("#filters-in-use:has-text('1')")
        assert page.locator("#rows tr[data-tracking-no]").count() == len(numbers)
        assert page.input_value("#id_received_from") == typed
        assert no_us_days(page)
    finally:
        page.close()


def no_us_days(page) -> bool:
    """No date field follows the browser's locale, and no day reads month-first in the
    Christian era, in the text or in the fields."""
    assert page.locator("input[type=date], input[type=datetime-local]").count() == 0
    shown = page.evaluate(
        """() => [document.body.innerText].concat(
             Array.from(document.querySelectorAll('input')).map(i => i.value + ' ' + i.placeholder))
           .join('\\n')"""
    )
    assert "mm/dd" not in shown.lower()
    for day, month, year in US_DAY.findall(shown):
        assert int(year) > 2400 and int(month) <= 12, f"{day}/{month}/{year}"
    assert re.search(r"\b25\d\d\b", page.locator("#rows").inner_text())  # received, B.E.
    return True
