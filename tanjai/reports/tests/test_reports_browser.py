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


def this_year():
    """The fiscal year of the last 60 days' complaints (seeded relative to today)."""
    from datetime import timedelta

    from django.utils import timezone

    from tanjai.core.periods import fiscal_year, year_period

    return year_period(fiscal_year(timezone.localdate() - timedelta(days=1)))


def test_a_branch_manager_reads_and_downloads_a_report(reseed, browser, live_server, tmp_path):
    seed_demo(complaints=150, seed=3, batch=150, days=60, branches=["chonburi"],
              technicians_per_branch=1)  # fmt: skip
    reports_rebuild()
    page = test_browser.signed_in(browser, live_server, "chonburi_manager")
    page.goto(f"{live_server.url}/staff/reports/")
    page.select_option("#id_report", "category-sla")
    page.select_option("#id_period", this_year().code)
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


def test_an_english_office_browser_downloads_thai_documents(reseed, browser, live_server, tmp_path):
    """An office PC set to English: the staff pages are Thai, and so is every download."""
    import io

    from pypdf import PdfReader

    from tanjai.conftest import PASSWORD
    from tanjai.core.pdftext import nfkc

    seed_demo(complaints=150, seed=3, batch=150, days=60, branches=["chonburi"],
              technicians_per_branch=1)  # fmt: skip
    reports_rebuild()
    context = browser.new_context(
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/staff/login/")
    page.fill("#id_username", "chonburi_manager")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    page.goto(f"{live_server.url}/staff/reports/")
    year = this_year()
    assert page.locator(f"#id_period option[value='{year.code}']").inner_text() == year.label_in(
        "th"
    )
    page.select_option("#id_report", "resolved")
    page.select_option("#id_period", year.code)
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("table[data-table='resolved'] tbody tr")
    with page.expect_download() as download:
        page.click("a[data-format='pdf']")
    path = tmp_path / "resolved.pdf"
    download.value.save_as(path)
    text = nfkc(PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text())
    assert nfkc("เรื่องร้องเรียนที่แก้ไขแล้วเสร็จ") in text and nfkc("ประเภท") in text
    assert "Category" not in text and "Complaints whose fix" not in text
    with page.expect_download() as download:
        page.click("a[data-format='xlsx']")
    path = tmp_path / "resolved.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path)["resolved"]
    assert sheet.cell(row=2, column=1).value == "เลขที่เรื่อง"
    context.close()
