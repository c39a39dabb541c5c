"""The entry form and the dashboard in a real browser (Debian's headless Chromium through
Playwright, against pytest-django's live server), as a channel officer, a branch manager and
a region officer use them.

The browser, the sign-in and the skip without Chromium are those of test_browser.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone, translation

from tanjai.complaints.models import Complaint
from tanjai.complaints.tests import test_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser = test_browser.browser  # the same module-scoped Chromium, skipped when missing
DESCRIPTION = "น้ำไม่ไหลตั้งแต่เช้า บ้านเลขที่ 45/6 ซอยวัดใหม่"


def signed_in(browser, live_server, username, *, width=1280):
    """A signed-in page that reaches nothing but the live server (no map tiles from outside)."""
    page = test_browser.signed_in(browser, live_server, username, width=width)
    page.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return page


def entry_form(page, live_server, *, phone="", branch=None):
    page.goto(f"{live_server.url}/staff/new/")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "supply")
    page.fill("#id_description", DESCRIPTION)
    if branch is not None:
        page.select_option("#id_branch", branch)
    if phone:
        # Typed key by key, as a person does: entry looks up the customer as one types.
        with page.expect_response(lambda r: "/staff/new/customer/" in r.url):
            page.locator("#id_customer_phone").press_sequentially(phone)


def required_message(language):
    """Django's message for a required field, as the project translates it."""
    with translation.override(language):
        return str(forms.Field.default_error_messages["required"])


def submit(page):
    with page.expect_navigation():
        page.click("form#entry button[type=submit]")


def test_a_channel_officer_registers_a_telephone_complaint_and_reads_the_number_back(
    reseed, register, browser, live_server
):
    earlier = register(description="น้ำขุ่นมีตะกอน")  # the same customer called before
    page = signed_in(browser, live_server, "chonburi_officer", width=360)
    entry_form(page, live_server, phone="081 234 5678")
    # The earlier complaint of this phone number shows on the form before it is sent.
    page.wait_for_selector(f"#earlier a:has-text('{earlier.tracking_no}')")
    assert "น้ำไม่ไหล / ไหลอ่อน" in page.locator("#earlier").inner_text()

    submit(page)
    tracking = page.locator(".tracking")
    number = tracking.inner_text().strip()
    assert page.url == f"{live_server.url}/staff/new/{number}/"
    assert tracking.get_attribute("data-tracking-no") == number
    # Large, to read back to the caller over the telephone.
    size = tracking.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 2 * body
    box = tracking.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360

    assert Complaint.objects.filter(tracking_no=number).count() == 1
    assert Complaint.objects.filter(description=DESCRIPTION).count() == 1
    complaint = Complaint.objects.get(tracking_no=number)
    assert complaint.pk != earlier.pk and complaint.description == DESCRIPTION
    assert complaint.channel.code == "phone" and complaint.category.code == "supply"
    assert complaint.branch.code == "chonburi"  # the officer's own branch, not asked
    assert complaint.customer_phone == "0812345678"
    assert complaint.registered_by.username == "chonburi_officer"


def test_a_missing_field_is_explained_and_what_was_typed_is_kept(reseed, browser, live_server):
    # The call centre covers the whole country: without a branch or a map pin there is none.
    page = signed_in(browser, live_server, "call_centre")
    entry_form(page, live_server, phone="0812345678")
    with page.expect_navigation() as sent:
        page.click("form#entry button[type=submit]")
    assert sent.value is not None and sent.value.status == 400
    # The refusal names the field as the form labels it (สาขา), in the page's language.
    alert = page.locator("[role=alert]").inner_text()
    branch_label = page.locator("label[for=id_branch]").inner_text().strip()
    assert f"{branch_label}:" in alert or "branch:" in alert
    assert page.input_value("#id_description") == DESCRIPTION
    assert page.input_value("#id_customer_phone") == "0812345678"
    assert page.input_value("#id_category") == "supply"
    assert Complaint.objects.count() == 0

    # An empty required field: the browser itself keeps the form from being sent.
    page.fill("#id_description", "")
    page.click("form#entry button[type=submit]")
    assert page.locator("#id_description").evaluate("el => el.validity.valueMissing")
    assert page.locator("[role=alert]").count() == 1 and Complaint.objects.count() == 0

    # Where the browser does not check (an old one, a hand-made request), the server does,
    # in Thai under the field, and keeps what was typed.
    page.fill("#id_description", DESCRIPTION)
    page.evaluate(
        "() => { document.getElementById('entry').noValidate = true;"
        " document.getElementById('id_channel').selectedIndex = -1; }"
    )
    submit(page)
    assert page.locator("#id_channel + ul.errors").inner_text() == required_message("th")
    assert page.locator("ul.errors").count() == 1
    assert page.input_value("#id_description") == DESCRIPTION
    assert Complaint.objects.count() == 0

    # The same in English, once the officer switches the language.
    page.click("header button[name=language][value=en]")
    page.wait_for_load_state()
    page.fill("#id_description", DESCRIPTION)
    page.evaluate(
        "() => { document.getElementById('entry').noValidate = true;"
        " document.getElementById('id_category').selectedIndex = -1; }"
    )
    submit(page)
    assert page.locator("#id_category + ul.errors").inner_text() == required_message("en")
    assert required_message("en") != required_message("th")
    assert page.input_value("#id_description") == DESCRIPTION

    # With the branch chosen it goes through, once.
    page.select_option("#id_category", "supply")
    page.select_option("#id_branch", "pattaya")
    submit(page)
    number = page.locator(".tracking").inner_text().strip()
    complaint = Complaint.objects.get()
    assert complaint.tracking_no == number and complaint.branch.code == "pattaya"
    assert complaint.description == DESCRIPTION


def _open_complaints(register):
    """Chonburi: two open, one of them overdue; Pattaya (region 1) one; Khon Kaen (region 6)
    one."""
    late = register()
    register()
    register(branch="pattaya", location=None)
    register(branch="khon-kaen", location=None)
    Complaint.objects.filter(pk=late.pk).update(resolve_due_at=timezone.now() - timedelta(hours=1))


def chart(page, canvas_id):
    """The Chart.js chart drawn on a canvas: its labels and data (None if none was drawn)."""
    page.wait_for_function(f"() => window.Chart && Chart.getChart('{canvas_id}')", timeout=10_000)
    return page.evaluate(
        """id => {
            const chart = Chart.getChart(id);
            if (!chart) return null;
            return {
                type: chart.config.type,
                labels: chart.data.labels,
                datasets: chart.data.datasets.map(d => ({label: d.label, data: d.data})),
                width: chart.width,
                height: chart.height,
            };
        }""",
        canvas_id,
    )


def test_a_branch_manager_sees_the_figures_and_the_charts_drawn(
    reseed, register, browser, live_server
):
    _open_complaints(register)
    page = signed_in(browser, live_server, "chonburi_manager")
    page.goto(f"{live_server.url}/staff/dashboard/")

    def figure(name):
        return page.locator(f"[data-figure={name}] strong").inner_text()

    assert (figure("today"), figure("open"), figure("overdue")) == ("2", "2", "1")
    for canvas_id in ("chart-state", "chart-category", "chart-channel"):
        drawn = chart(page, canvas_id)
        assert drawn is not None and drawn["type"] == "bar"
        assert drawn["width"] > 0 and drawn["height"] > 0
        assert sum(drawn["datasets"][0]["data"]) == 2  # both Chonburi complaints, no other
    assert chart(page, "chart-category")["labels"] == ["น้ำไม่ไหล / ไหลอ่อน"]
    assert chart(page, "chart-channel")["labels"] == ["โทรศัพท์"]
    # One branch: no chart or table per branch.
    assert page.locator("#chart-branch").count() == 0
    assert page.locator("#dashboard-branches").count() == 0


def test_a_region_sees_its_branches_in_a_chart_and_a_table(reseed, register, browser, live_server):
    _open_complaints(register)
    page = signed_in(browser, live_server, "region1", width=360)
    page.goto(f"{live_server.url}/staff/dashboard/")

    drawn = chart(page, "chart-branch")
    assert drawn is not None and drawn["type"] == "bar"
    assert drawn["labels"] == ["กปภ.สาขาชลบุรี", "กปภ.สาขาพัทยา"]  # Khon Kaen is region 6
    on_time, late = drawn["datasets"]
    assert on_time["data"] == [1, 1] and late["data"] == [1, 0]
    assert late["label"] == "เกินกำหนด"
    assert 0 < drawn["width"] <= 360 and drawn["height"] > 0

    rows = page.locator("table.stack tbody tr")
    assert rows.count() == 2
    assert [c.strip() for c in rows.nth(0).locator("td").all_inner_texts()] == [
        "กปภ.สาขาชลบุรี",
        "2",
        "1",
    ]
    assert [c.strip() for c in rows.nth(1).locator("td").all_inner_texts()] == [
        "กปภ.สาขาพัทยา",
        "1",
        "0",
    ]
    assert "ขอนแก่น" not in page.locator("main").inner_text()
    # A phone's width: nothing runs off the side of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
