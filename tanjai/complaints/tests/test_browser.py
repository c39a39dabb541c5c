"""End to end in a real browser: Playwright driving Debian's headless Chromium against the
live application (pytest-django's live server on the test database).

Without /usr/bin/chromium these tests are skipped, except in CI (CI=true), where .ci/run
installs it and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tanjai.complaints.models import Complaint
from tanjai.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the
    # tests to prepare data, is safe here because nothing else runs in this loop.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def signed_in(browser, live_server, username, *, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    return page


def photo(name: str, marker: bytes) -> dict:
    """A real 1×1 PNG (distinct per marker, so each is stored) as Playwright uploads it."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"tEXt", b"Comment\x00" + marker)
        + chunk(b"IDAT", zlib.compress(b"\x00\x10\x80\xc0"))
        + chunk(b"IEND", b"")
    )
    return {"name": name, "mimeType": "image/png", "buffer": png}


def take(page, action, fill=None, select=None, check=None):
    """Open an action's form on the complaint page, fill it and send it (HTMX swaps the page)."""
    details = page.locator(f"details.action:has(form[action$='/{action}/'])")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    form = page.locator(f"form[action$='/{action}/']")
    for name, value in (fill or {}).items():
        form.locator(f"[name={name}]").fill(value)
    for name, value in (select or {}).items():
        form.locator(f"select[name={name}]").select_option(value)
    for name in check or []:
        form.locator(f"[name={name}]").check()
    page.evaluate(
        """() => { window.__settled = false;
                   document.addEventListener('htmx:afterSettle',
                     () => { window.__settled = true; }, {once: true}); }"""
    )
    with page.expect_response(lambda r: f"/actions/{action}/" in r.url) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.request.headers.get("hx-request") == "true"  # swapped in place
    page.wait_for_load_state()
    # The answer is in; HTMX swaps and settles it a moment later (longer on a busy machine).
    page.wait_for_function("() => window.__settled === true")


def test_a_complaint_from_forward_to_close_in_the_browser(reseed, register, browser, live_server):
    number = register(description="น้ำไม่ไหลทั้งซอย บ้านเลขที่ 12/3").tracking_no
    url = f"{live_server.url}/staff/complaints/{number}/"

    officer = signed_in(browser, live_server, "call_centre")
    officer.goto(f"{live_server.url}/staff/queues/to_forward/")
    officer.click(f"text={number}")
    assert officer.url == url
    take(officer, "forward", fill={"note": "ตรวจสอบแล้ว ส่งศูนย์ชลบุรี"})
    assert officer.locator(".status").inner_text() == "ส่งต่อศูนย์แล้ว"

    centre = signed_in(browser, live_server, "chonburi_centre")
    centre.goto(url)
    take(centre, "dispatch", select={"assignees": "chonburi_tech", "team_type": "mr_prapa"})
    take(
        centre,
        "inform_customer",
        fill={
            "plan": "ช่างเข้าซ่อมภายในวันนี้",
            "promised_at": "2099-01-01T15:00",
            "late_reason": "ทดสอบ",
        },
    )
    assert "ช่างเข้าซ่อมภายในวันนี้" in centre.locator("#history").inner_text()

    technician = signed_in(browser, live_server, "chonburi_tech", width=360)
    technician.goto(url)
    technician.click("details.action:has(form[action$='/report_fixed/']) summary")
    technician.set_input_files(
        "#report_fixed-photos-before", files=[photo("before.png", b"before")]
    )
    technician.set_input_files("#report_fixed-photos", files=[photo("after.png", b"after")])
    take(technician, "report_fixed", fill={"result": "เปลี่ยนท่อเมนช่วงหน้าบ้านแล้ว"})
    assert technician.locator(".status").inner_text() == "แก้ไขแล้ว รอตรวจสอบ"
    # Both photos are on the page, served to the technician, the right way round.
    for alt in ("ภาพก่อนแก้ไข", "ภาพหลังแก้ไข"):
        image = technician.locator(f"img[alt^='{alt}']")
        image.scroll_into_view_if_needed()
        technician.wait_for_function(
            "i => i.complete && i.naturalWidth === 1", arg=image.element_handle(), timeout=5000
        )

    centre.goto(url)
    take(centre, "verify")
    take(centre, "close", select={"satisfaction": "5"}, check=["customer_reached"])
    assert centre.locator(".status").inner_text() == "ปิดเรื่องแล้ว"
    complaint = Complaint.objects.get(tracking_no=number)
    assert complaint.status == "closed" and complaint.satisfaction == 5

    elsewhere = signed_in(browser, live_server, "khonkaen_centre")
    response = elsewhere.goto(url)
    assert response is not None and response.status == 404


def test_a_refused_action_shows_its_reason(reseed, register, browser, live_server):
    number = register().tracking_no
    Complaint.objects.filter(tracking_no=number).update(status="forwarded")
    centre = signed_in(browser, live_server, "chonburi_centre")
    centre.goto(f"{live_server.url}/staff/complaints/{number}/")
    take(centre, "dispatch", select={"team_type": "service_team"}, fill={"note": "ด่วน"})
    alert = centre.locator("[role=alert]")
    assert "ช่าง: เลือกอย่างน้อยหนึ่งรายการ" in alert.inner_text()
    assert centre.locator("form[action$='/dispatch/'] [name=note]").input_value() == "ด่วน"
