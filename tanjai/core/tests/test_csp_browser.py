"""The Content-Security-Policy in a real browser (Debian's headless Chromium through
Playwright): the main pages work under it, with their maps, charts and HTMX, and the
browser reports no violation and no script error on any of them.

Map tiles come from a tile server of their own on another origin, as they do from
MAP_TILE_URL in production, so the policy's img-src for them is exercised too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tanjai.complaints.services import complaint_act
from tanjai.complaints.tests import test_browser
from tanjai.demo.generator import seed_demo
from tanjai.reports.services import reports_rebuild
from tanjai.reports.tests.test_reports_browser import this_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser = test_browser.browser  # the same module-scoped Chromium, skipped when missing

TILE = test_browser.photo("tile.png", b"tile")["buffer"]  # a real 1×1 PNG for every tile

# Violations as the page itself sees them (Chromium also logs them as console errors).
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
});
"""


class TileHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.end_headers()
        self.wfile.write(TILE)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def tiles(settings) -> Iterator[str]:
    """A tile server on another origin (127.0.0.1, not the live server's localhost)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), TileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    settings.MAP_TILE_URL = origin + "/{z}/{x}/{y}.png"
    yield origin
    server.shutdown()
    server.server_close()


class Watched:
    """A page whose console errors, uncaught exceptions and policy violations are kept."""

    def __init__(self, page, allowed_origins: tuple[str, ...]) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on(
            "console",
            lambda m: self.problems.append(f"{m.type}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        # Nothing leaves the machine: anything but the live server and the tiles is refused.
        page.route(lambda url: not url.startswith(allowed_origins), lambda route: route.abort())

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"]


def watched(page, live_server, tiles: str) -> Watched:
    return Watched(page, (live_server.url, tiles))


def tiles_drawn(page) -> None:
    page.wait_for_selector("#map img.leaflet-tile-loaded", state="attached", timeout=10000)


def test_the_main_pages_run_under_the_policy(
    reseed, register, persona, advance, browser, live_server, tiles, settings
):
    seed_demo(complaints=150, seed=3, batch=150, days=60, branches=["chonburi"],
              technicians_per_branch=1)  # fmt: skip
    reports_rebuild()
    number = register(description="น้ำไม่ไหลทั้งซอย").tracking_no
    register(branch="khon-kaen", location=None)  # a second branch for the chart per branch
    settings.SMS_GATEWAY_URL, settings.SMS_BACKEND, settings.SMS_BACKEND_DEFAULT = "", "", "none"
    closed = advance(register(channel="website"), "verify")
    complaint_act(
        tracking_no=closed.tracking_no,
        actor=persona("chonburi_centre"),
        action="close",
        data={"customer_reached": False},
    )

    # A citizen's complaint form with its map.
    citizen = watched(browser.new_page(viewport={"width": 360, "height": 780}), live_server, tiles)
    citizen.visit(f"{live_server.url}/")
    tiles_drawn(citizen.page)

    # The call centre: the entry form with its map, a queue, a complaint and its actions.
    officer = watched(
        test_browser.signed_in(browser, live_server, "call_centre"), live_server, tiles
    )
    officer.visit(f"{live_server.url}/staff/new/")
    tiles_drawn(officer.page)
    officer.visit(f"{live_server.url}/staff/queues/to_forward/")
    page = officer.page
    assert page.locator("#filters").evaluate("d => d.open")  # a wide screen: filters open
    page.check("input[data-check-all]")
    boxes = page.locator("input[name=numbers]")
    assert boxes.count() > 0
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.fill("input[name=q]", "น้ำไม่ไหล")  # HTMX swaps the rows in
    page.wait_for_selector(f"#rows >> text={number}")
    officer.visit(f"{live_server.url}/staff/complaints/{number}/")
    test_browser.take(page, "forward", fill={"note": "ตรวจสอบแล้ว ส่งศูนย์ชลบุรี"})
    assert page.locator(".status").first.inner_text() == "ส่งต่อศูนย์แล้ว"

    # The centre: the survey link of a closed complaint, and its printed card.
    centre = watched(
        test_browser.signed_in(browser, live_server, "chonburi_centre"), live_server, tiles
    )
    centre.visit(f"{live_server.url}/staff/complaints/{closed.tracking_no}/")
    link = centre.page.locator("#survey-link input")
    link.click()  # selected whole, to copy
    assert link.evaluate("i => i.selectionStart === 0 && i.selectionEnd === i.value.length")
    card_page = browser.new_page()
    card_page.context.add_cookies(centre.page.context.cookies())  # the centre's session
    card = watched(card_page, live_server, tiles)
    card.visit(f"{live_server.url}/staff/complaints/{closed.tracking_no}/survey/print/")
    card.page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    card.page.click("[data-print]")
    assert card.page.locator("body").get_attribute("data-printed") == "yes"

    # A branch manager: the dashboard's charts, the reports' chart and map, the monthly page.
    manager = watched(
        test_browser.signed_in(browser, live_server, "chonburi_manager"), live_server, tiles
    )
    manager.visit(f"{live_server.url}/staff/dashboard/")
    page = manager.page
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-state'))")
    manager.visit(f"{live_server.url}/staff/reports/")
    page.select_option("#id_report", "category-sla")
    page.select_option("#id_period", this_year().code)
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#report-chart[data-drawn='true']")
    page.wait_for_selector("#report-map[data-drawn]")
    tiles_at_report = page.locator("#report-map img.leaflet-tile-loaded")
    tiles_at_report.first.wait_for(state="attached", timeout=10000)
    manager.visit(f"{live_server.url}/staff/reports/monthly/")

    # Head office: the dashboard's chart per branch.
    office = watched(test_browser.signed_in(browser, live_server, "analyst"), live_server, tiles)
    office.visit(f"{live_server.url}/staff/dashboard/")
    office.page.wait_for_function("() => Chart.getChart(document.getElementById('chart-branch'))")

    for who in (citizen, officer, centre, card, manager, office):
        assert who.problems == [], who.problems


def test_an_injected_inline_script_is_refused(reseed, browser, live_server, tiles):
    """The policy is not for show: a script written into a page does not run."""
    page = watched(browser.new_page(), live_server, tiles)
    page.visit(f"{live_server.url}/staff/login/")
    page.page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "document.body.dataset.ran = 'yes'";
          document.body.appendChild(s);
        }"""
    )
    assert page.page.locator("body").get_attribute("data-ran") is None
    assert any("CSP violation: script-src" in p for p in page.problems), page.problems
