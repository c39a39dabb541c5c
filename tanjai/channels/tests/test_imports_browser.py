"""The import page in a real browser (Debian's headless Chromium through Playwright): a
centre uploads a 1111 export, the progress bar follows the worker, the rejected rows are
listed with their reasons. The browser and sign-in are those of the complaints' tests."""

from __future__ import annotations

import pytest

from tanjai.channels.tests.test_imports import HEADINGS_1111, ROWS_1111, csv_bytes
from tanjai.complaints.tests import test_browser
from tanjai.core.worker import inprocess_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser = test_browser.browser


def test_an_import_uploaded_in_the_browser_shows_its_progress_and_rejections(
    reseed, browser, live_server
):
    page = test_browser.signed_in(browser, live_server, "call_centre")
    page.click("main a[href='/staff/imports/']")
    page.select_option("#id_format", label="ศูนย์บริการประชาชน 1111 (GCC 1111)")
    page.set_input_files(
        "#id_file",
        {
            "name": "gcc1111.csv",
            "mimeType": "text/csv",
            "buffer": csv_bytes(HEADINGS_1111, ROWS_1111),
        },
    )
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/imports/*/")
    assert page.locator("progress").get_attribute("value") == "0"

    inprocess_worker(worker_id="browser", batch=True).run()
    # The page polls by itself: the bar fills and the counts appear without a reload.
    page.wait_for_selector("[data-percent='100']", timeout=10_000)
    assert page.inner_text("[data-count=created]") == "2"
    assert page.inner_text("[data-count=rejected]") == "5"
    page.click("#progress a.button")
    assert page.locator("table").first.locator("tbody tr").count() == 5
    assert "1111-6911-000104" in page.inner_text("main")
