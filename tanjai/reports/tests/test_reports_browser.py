"""The reports page in a real browser (Debian's headless Chromium through Playwright): a
branch manager picks a report and a period, the tables and the chart come in by HTMX, and
the XLSX download is a real workbook."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tanjai.complaints.tests import test_browser
from tanjai.demo.generator import seed_demo
from tanjai.reports.services import reports_rebuild

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser = test_browser.browser


def test_a_branch_manager_reads_and_downloads_a_report(reseed, browser, live_server, tmp_path):
    seed_demo(complaints=150, seed=3, batch=150, days=60, branches=["chonburi"],
              technicians_per_branch=1)  # fmt: skip
    reports_rebuild()
    page = test_browser.signed_in(browser, live_server, "chonburi_manager")
    page.goto(f"{live_server.url}/staff/reports/")
    page.select_option("#id_report", "category-sla")
    page.fill("#id_period", "FY2570")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("table[data-table='category-sla'] tbody tr")
    page.wait_for_selector("#report-chart[data-drawn='true']")
    page.wait_for_selector("#report-map[data-drawn]")
    assert int(page.get_attribute("#report-map", "data-drawn")) > 0
    total = page.locator("table[data-table='category-sla'] tbody tr").last
    assert total.locator("td").nth(1).inner_text().replace(",", "").isdigit()

    page.select_option("#id_report", "results")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("table[data-table='steps']")
    page.wait_for_selector("#report-chart[data-drawn='true']")

    with page.expect_download() as download:
        page.click("a[data-format='xlsx']")
    path = tmp_path / "results.xlsx"
    download.value.save_as(path)
    assert load_workbook(path).sheetnames == ["results", "steps", "subcategories", "places"]
