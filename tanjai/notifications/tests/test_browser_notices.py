"""In a real browser: the centre telephones a customer no channel reaches, records the call,
and prints the survey's QR code for the customer at the counter, who answers it."""

from __future__ import annotations

import re

import pytest

from tanjai.complaints.models import Complaint
from tanjai.complaints.services import complaint_act
from tanjai.complaints.tests.test_browser import browser, signed_in  # noqa: F401 (fixture)
from tanjai.notifications.models import Notification, NotificationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_centre_tells_by_telephone_and_prints_the_survey_qr(
    reseed,
    register,
    persona,
    advance,
    browser,  # noqa: F811
    live_server,
    settings,
):
    from playwright.sync_api import expect

    settings.SMS_GATEWAY_URL, settings.SMS_BACKEND, settings.SMS_BACKEND_DEFAULT = "", "", "none"
    settings.TANJAI_PUBLIC_URL = live_server.url
    complaint = advance(register(channel="website"), "verify")
    complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="close",
        data={"customer_reached": False},
    )
    closing = Notification.objects.get(complaint=complaint, event__action="close")
    url = f"{live_server.url}/staff/complaints/{complaint.tracking_no}/"

    centre = signed_in(browser, live_server, "chonburi_centre")
    assert centre.locator("[data-telephone-tasks]").get_attribute("data-telephone-tasks") == "3"
    centre.goto(url)
    task = centre.locator(f"li:has(form[action$='/notices/{closing.pk}/told/'])")
    assert "/survey/" in task.locator("[data-words]").inner_text()
    task.locator("input[name=reached][value=yes]").check()
    with centre.expect_response(lambda r: "/told/" in r.url) as answer:
        task.locator("button[type=submit]").click()
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(centre.locator("[data-notice=to_tell]")).to_have_count(2)  # swapped in place
    assert Notification.objects.get(pk=closing.pk).status == NotificationStatus.TOLD

    link = centre.locator("#survey-link input").input_value()
    assert link.startswith(f"{live_server.url}/survey/")
    with centre.context.expect_page() as opened:
        centre.click("#survey-link a")
    card = opened.value
    card.wait_for_load_state()
    qr = card.locator("svg.qr")
    box = qr.bounding_box()
    assert box is not None and box["width"] > 100 and abs(box["width"] - box["height"]) < 1
    printed = card.locator("#survey-url").inner_text()
    assert printed.startswith(f"{live_server.url}/survey/")
    assert card.locator("#tracking-no").inner_text() == complaint.tracking_no
    card.emulate_media(media="print")
    assert not card.locator(".tools").is_visible() and qr.is_visible()
    # Printed on one A6 card (105 × 148 mm), as its CSS asks.
    pdf = card.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, boxes
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in boxes[0])
    assert round(width_mm) == 105 and round(height_mm) == 148

    citizen = browser.new_page()
    citizen.goto(printed)
    citizen.check("input[name=score][value='5']")
    with citizen.expect_navigation():
        citizen.click("main button[type=submit]")
    assert Complaint.objects.get(pk=complaint.pk).satisfaction == 5
    centre.goto(url)
    assert centre.locator("#survey-link").count() == 0
