"""Screenshots of the staff application for the README, from a fresh demo database.

    .venv/bin/python scripts/screenshots.py          # writes docs/screenshots/*.png

Starts `tanjai serve` on a temporary data folder and drives Debian's Chromium with
Playwright, as the browser tests do. The pages of the PDF reports are drawn to PNG by
`pdftoppm` (Debian's poppler-utils), as a reader's viewer would show them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = 8199
BASE = f"http://127.0.0.1:{PORT}"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    data = tempfile.mkdtemp()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"TANJAI_DATA_DIR": data}
    server = subprocess.Popen(
        [sys.executable, "-m", "tanjai.cli", "serve", "--port", str(PORT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        shoot()
    finally:
        server.terminate()
        server.wait(timeout=30)


def shoot() -> None:
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)

        def page_for(username: str, width: int):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{BASE}/staff/login/")
            if username:
                page.fill("#id_username", username)
                page.fill("#id_password", "tanjai-demo")
                page.click("main button[type=submit]")
                page.wait_for_url(f"{BASE}/staff/")
            return page

        page = page_for("", 1280)
        page.screenshot(path=OUT / "sign-in.png")
        citizen = browser.new_page(viewport={"width": 360, "height": 780})
        citizen.goto(f"{BASE}/")
        citizen.select_option("#id_category", "leak")
        citizen.fill("#id_description", "ท่อแตกน้ำพุ่งหน้าบ้าน ถนนสุขุมวิท")
        citizen.select_option("#id_province", "ชลบุรี")
        citizen.fill("#id_name", "สมหญิง ใจงาม")
        citizen.fill("#id_phone", "0812345678")
        citizen.screenshot(path=OUT / "portal-phone.png", full_page=True)
        citizen.wait_for_timeout(3200)
        citizen.click("main button[type=submit]")
        number = citizen.inner_text(".tracking").strip()
        citizen.screenshot(path=OUT / "portal-receipt.png")
        citizen.goto(f"{BASE}/track")
        citizen.fill("#number", number)
        citizen.fill("#secret", "5678")
        citizen.click("main button[type=submit]")
        citizen.screenshot(path=OUT / "portal-track.png", full_page=True)
        page = page_for("centre.chonburi", 1280)
        page.screenshot(path=OUT / "my-work.png", full_page=True)
        officer = page_for("officer.chonburi", 1280)
        officer.goto(f"{BASE}/staff/new/")
        officer.fill("[name=customer_phone]", "0812345678")
        officer.fill("[name=description]", "น้ำไม่ไหลตั้งแต่เช้า ทั้งซอย")
        officer.wait_for_timeout(800)
        officer.screenshot(path=OUT / "entry-form.png", full_page=True)
        page.goto(f"{BASE}/staff/dashboard/")
        page.wait_for_timeout(800)  # let the charts draw
        page.screenshot(path=OUT / "dashboard.png", full_page=True)
        region = page_for("region1", 1280)
        region.goto(f"{BASE}/staff/dashboard/")
        region.wait_for_timeout(800)
        region.screenshot(path=OUT / "dashboard-region.png", full_page=True)
        page.goto(f"{BASE}/staff/queues/to_inform/")
        page.screenshot(path=OUT / "queue.png", full_page=True)
        page.locator("table a").first.click()
        page.locator("details.action summary").first.click()
        page.screenshot(path=OUT / "complaint.png", full_page=True)
        phone = page_for("tech.chonburi", 360)
        phone.goto(f"{BASE}/staff/queues/my_jobs/")
        phone.screenshot(path=OUT / "technician-phone.png", full_page=True)
        jobs = [a.get_attribute("href") for a in phone.locator("table a").all()]
        for href in jobs:  # the first job the technician can act on now
            phone.goto(f"{BASE}{href}")
            if phone.locator("details.action summary").count():
                phone.locator("details.action summary").first.click()
                break
        phone.screenshot(path=OUT / "complaint-phone.png", full_page=True)
        analyst = page_for("analyst", 1280)
        analyst.goto(f"{BASE}/staff/reports/?report=category-sla&scope=org&period=FY2569")
        analyst.wait_for_timeout(1000)  # let the chart draw
        analyst.screenshot(path=OUT / "report-category-sla.png", full_page=True)
        analyst.goto(f"{BASE}/staff/reports/?report=evaluation&scope=org&period=FY2569")
        analyst.wait_for_timeout(1000)
        analyst.screenshot(path=OUT / "report-evaluation.png", full_page=True)
        # The demo's month before last: sent by regions 1 and 6, some branches late.
        first = date.today().replace(day=1)
        month = ((first - timedelta(days=1)).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        region.goto(f"{BASE}/staff/reports/monthly/?month={month}")
        region.screenshot(path=OUT / "monthly-region.png", full_page=True)
        analyst.goto(f"{BASE}/staff/reports/monthly/?month={month}")
        analyst.screenshot(path=OUT / "monthly-head-office.png", full_page=True)
        manager = page_for("manager.chonburi", 1280)
        manager.goto(f"{BASE}/staff/reports/monthly/")
        manager.screenshot(path=OUT / "monthly-branch.png", full_page=True)
        for name, query, pages in (
            ("resolved", "report=resolved&scope=org&period=FY2569", "2"),
            ("category-sla", "report=category-sla&scope=org&period=FY2569", "1"),
        ):
            response = analyst.request.get(f"{BASE}/staff/reports/download?{query}&format=pdf")
            pdf = OUT / f"report-{name}.pdf"
            pdf.write_bytes(response.body())
            if shutil.which("pdftoppm"):
                png = OUT / f"pdf-{name}"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "80",
                        "-f",
                        pages,
                        "-l",
                        pages,
                        "-singlefile",
                        pdf,
                        png,
                    ],
                    check=True,
                )
            pdf.unlink()
        browser.close()


if __name__ == "__main__":
    main()
