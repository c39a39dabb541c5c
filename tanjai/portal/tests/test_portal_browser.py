"""A citizen on a 360 px phone makes a complaint on the portal and tracks it, in Debian's
headless Chromium (through Playwright) against pytest-django's live server."""

from __future__ import annotations

import pytest

from tanjai.complaints.models import Complaint
from tanjai.complaints.tests import test_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser = test_browser.browser  # the same module-scoped Chromium, skipped when missing


def test_a_citizen_reports_a_leak_and_tracks_it_on_a_phone(reseed, browser, live_server):
    page = browser.new_page(viewport={"width": 360, "height": 780})
    # Nothing but the live server: the map tiles do not load, and the form works without them.
    page.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page.goto(f"{live_server.url}/")
    assert "ข้อมูลส่วนบุคคลของท่าน" in page.inner_text("main")
    page.select_option("#id_category", "leak")
    page.fill("#id_description", "ท่อแตกน้ำพุ่งหน้าบ้าน ถนนสุขุมวิท")
    page.select_option("#id_province", "ชลบุรี")
    page.fill("#id_name", "สมหญิง ใจงาม")
    page.fill("#id_phone", "0812345678")
    page.set_input_files("#id_photos", files=[test_browser.photo("leak.png", b"leak")])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    page.wait_for_timeout(3200)  # a person takes a few seconds; a bot posting at once is refused
    page.click("main button[type=submit]")
    number = page.inner_text(".tracking").strip()
    complaint = Complaint.objects.get()
    assert complaint.tracking_no == number and complaint.channel.code == "website"
    assert complaint.branch.code == "chonburi" and complaint.attachments.count() == 1

    page.click("a[href='/track']")
    page.fill("#number", number)
    page.fill("#secret", "5678")
    page.click("main button[type=submit]")
    assert "รับเรื่องแล้ว" in page.inner_text("section")
    page.fill("#secret", "1234")
    page.click("main button[type=submit]")
    assert "ไม่พบเรื่อง" in page.inner_text("[role=alert]")
