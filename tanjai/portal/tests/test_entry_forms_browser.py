"""The two entry forms in a browser (the citizen's on the portal, the channel officer's),
with the static files served as in production: hashed names from collectstatic's manifest,
through WhiteNoise. (pytest-django's live server serves them from the app folders under
their plain names, where Leaflet's guess of its image folder happens to work.)

The map pin shows; the subcategory list follows the chosen category."""

from __future__ import annotations

import re

import pytest

from tanjai.complaints.tests import test_browser
from tanjai.conftest import PASSWORD
from tanjai.core.tests import test_vendored_assets
from tanjai.reference.models import Subcategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser = test_browser.browser  # the same module-scoped Chromium, skipped when missing
collected_static = test_vendored_assets.collected_static  # collectstatic, once per module


@pytest.fixture
def production_server(reseed, collected_static):
    from pytest_django.live_server_helper import LiveServer

    with test_vendored_assets.production_static(collected_static):
        server = LiveServer("localhost", start=False)
        server.thread.static_handler = lambda app: app  # WhiteNoise in the middleware serves
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def watched_page(production_server, browser):
    """A page that reaches only the server (no map tiles) and notes every failed request;
    closed before the server stops."""
    pages = []

    def open_page(*, width: int):
        page = browser.new_page(viewport={"width": width, "height": 800}, locale="en-US")
        page.route(
            lambda url: not url.startswith(production_server.url), lambda route: route.abort()
        )
        page.failures = []
        page.on(
            "response",
            lambda r: r.status >= 400 and page.failures.append(f"{r.status} {r.url}"),
        )
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


def pin_the_map(page) -> None:
    page.wait_for_selector("#map.leaflet-container")
    page.click("#map", position={"x": 120, "y": 90})
    marker = page.locator("#map img.leaflet-marker-icon")
    shadow = page.locator("#map img.leaflet-marker-shadow")
    marker.wait_for()
    for image in (marker, shadow):
        image.evaluate("img => img.decode().catch(() => null)")  # loaded, or failed
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), image.get_attribute(
            "src"
        )
    assert page.input_value("[name=lat]") and page.input_value("[name=lon]")


def test_a_citizen_sees_the_pin_on_the_map(production_server, watched_page):
    page = watched_page(width=360)
    page.goto(f"{production_server.url}/")
    leaflet_css = page.locator("link[href*='leaflet']").get_attribute("href") or ""
    assert re.search(r"/leaflet\.[0-9a-f]{12}\.css$", leaflet_css)  # hashed, as in production
    pin_the_map(page)
    assert page.failures == []


def sign_in(page, server, username: str) -> None:
    page.goto(f"{server.url}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server.url}/staff/")


def test_a_channel_officer_sees_the_pin_on_the_entry_form(production_server, watched_page):
    page = watched_page(width=1280)
    sign_in(page, production_server, "chonburi_officer")
    page.goto(f"{production_server.url}/staff/new/")
    pin_the_map(page)
    assert page.failures == []


def listed(page) -> list[str]:
    return page.locator("#id_subcategory option").evaluate_all("os => os.map(o => o.value)")


def subcategories_of(category: str) -> list[str]:
    codes = Subcategory.objects.filter(category__code=category, active=True)
    return ["", *codes.values_list("code", flat=True)]


def test_the_subcategory_list_follows_the_category(production_server, watched_page):
    assert len(subcategories_of("quality")) < Subcategory.objects.count()
    page = watched_page(width=360)
    page.goto(f"{production_server.url}/")
    assert page.locator("#id_subcategory").is_disabled()  # no category chosen yet
    page.select_option("#id_category", "quality")
    assert listed(page) == subcategories_of("quality")
    page.select_option("#id_subcategory", "turbid")
    page.select_option("#id_category", "supply")
    assert listed(page) == subcategories_of("supply")
    assert page.input_value("#id_subcategory") == ""  # the other category's choice is dropped

    sign_in(page, production_server, "chonburi_officer")
    page.goto(f"{production_server.url}/staff/new/")
    assert listed(page) == subcategories_of(page.input_value("#id_category"))
    page.select_option("#id_category", "leak")
    assert listed(page) == subcategories_of("leak")
    assert page.failures == []
