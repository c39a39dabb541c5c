"""The PDF of every report is a document fit to sign: Thai wrapped only between words, names
rather than codes, Buddhist-Era dates, and the resolved list about 25 rows a page. Each PDF is
read back with a PDF library (pypdf), as a person copying its text would."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader
from pythainlp.tokenize import word_tokenize

from tanjai.complaints.models import Complaint
from tanjai.conftest import PASSWORD
from tanjai.core.pdftext import nfkc
from tanjai.core.periods import (
    fiscal_year,
    month_period,
    period_parse,
    quarter_period,
    year_period,
)
from tanjai.demo.generator import seed_demo
from tanjai.organisation.models import Branch
from tanjai.reference.models import Category, Channel, Subcategory
from tanjai.reports.exports import REPORTS, report_build, report_tables
from tanjai.reports.files import report_file
from tanjai.reports.scope import scope_parse
from tanjai.reports.services import reports_rebuild

pytestmark = pytest.mark.django_db


# The data ends on a fixed day, so the fiscal year asked for always holds it.
END = date(2026, 11, 25)  # FY2570 began on 1 October 2026


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    """Seeded once for the module: each test reads it, and what a test adds is undone after it."""
    with django_db_blocker.unblock():
        seed_demo(complaints=500, seed=8, batch=250, days=150, end=END,
                  branches=["chonburi", "khon-kaen"], technicians_per_branch=1)  # fmt: skip
        reports_rebuild()


def pages_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [nfkc(page.extract_text(extraction_mode="layout")) for page in reader.pages]


def words(text: str) -> list[str]:
    """The words of a heading by PyThaiNLP's dictionary, Thai ones only (a word of Latin
    letters or digits cannot be split by the Thai rule)."""
    out = []
    for chunk in text.split():
        for word in word_tokenize(chunk, engine="newmm"):
            if re.search("[\u0e01-\u0e2e]", word):
                out.append(nfkc(word))
    return out


def cases(seeded_period: str) -> list[tuple[str, str, str]]:
    """Every report for the organisation's fiscal year and for a branch's month."""
    out = []
    for name in REPORTS:
        if name == "krs-quarter":
            out.append((name, "org", "FY2570-Q1"))
            continue
        out.append((name, "org", "FY2570"))
        out.append((name, "branch:chonburi", seeded_period))
    return out


def test_every_pdf_wraps_thai_between_words_and_shows_names_and_buddhist_era_dates(seeded):
    last = Complaint.objects.filter(fixed_at__isnull=False).order_by("-fixed_at").first()
    month = month_period(timezone.localtime(last.fixed_at).date()).code
    codes = (
        set(Category.objects.values_list("code", flat=True))
        | set(Subcategory.objects.values_list("code", flat=True))
        | set(Branch.objects.values_list("code", flat=True))
    )
    # Latin letters a Thai reader meets: the channels' own names (LINE, GCC 1111).
    proper = {
        w
        for n in Channel.objects.values_list("name_th", flat=True)
        for w in re.findall(r"[A-Za-z]+", n)
    }
    checked = 0
    with translation.override("th"):
        for name, scope, period in cases(month):
            report = report_build(name, scope=scope_parse(scope), period=period_parse(period))
            pages = pages_text(report_file(report, "pdf"))
            lines = [line for page in pages for line in page.splitlines()]
            text = "\n".join(pages)
            for table in report_tables(report):
                if not table.rows:
                    continue
                for column in table.columns:
                    for word in words(str(column.heading)):
                        # Whole on one line: a heading broken inside a word would not be.
                        assert any(word in line for line in lines), (name, column.heading, word)
                        checked += 1
            found = set(re.findall(r"[a-z][a-z0-9_-]+", text)) & codes
            assert not found, (name, scope, found)
            english = set(re.findall(r"\b[A-Za-z]{3,}\b", text)) - {"SLA"} - proper
            assert not english, (name, scope, english)  # a Thai document, every word of it
            assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), (name, "a Gregorian ISO date")
    assert checked > 300


def test_the_headings_that_broke_inside_words_are_whole(seeded):
    """ปิดเรื่องทันก|ำหนด, ผู้ร้อ|ง and หน่วยง|านอื่น, as they were seen."""
    with translation.override("th"):
        report = report_build(
            "category-sla", scope=scope_parse("org"), period=period_parse("FY2570")
        )
        text = "\n".join(pages_text(report_file(report, "pdf")))
    lines = text.splitlines()
    for word in ("กำหนด", "ผู้ร้อง", "หน่วยงาน"):
        assert any(nfkc(word) in line for line in lines), word


def test_the_resolved_list_fits_about_25_rows_a_page_with_compact_dates(seeded):
    report = report_build("resolved", scope=scope_parse("org"), period=period_parse("FY2570"))
    assert report["count"] > 150
    with translation.override("th"):
        pages = pages_text(report_file(report, "pdf"))
    per_page = [len(re.findall(r"\b\d{2}-\d{7}-\d\b", page)) for page in pages]
    assert sum(per_page) == report["count"]
    full = [n for n in per_page[1:-1] if n]  # the first holds the title, the last the rest
    assert full and min(full) >= 22, per_page
    assert len(pages) <= report["count"] / 22 + 2
    first = report["rows"][0]
    branch = Branch.objects.get(code=first["branch"])
    # The branch by its name (the column is headed "สาขา": "กปภ.สาขา" is not repeated).
    assert nfkc(branch.place_name) in pages[0] and first["branch"] not in pages[0]
    assert branch.name_th.startswith("กปภ.สาขา") and nfkc(branch.name_th) not in pages[0]
    # 1 ต.ค. 69: the day, the Thai month and the Buddhist-Era year in two digits.
    received = timezone.localtime(first["received_at"])
    assert re.search(rf"\b{received.day} \S+\.\S*\.? {(received.year + 543) % 100:02d}\b", pages[0])


def test_a_long_resolved_list_keeps_its_layout_to_the_last_page(seeded):
    """Hundreds of rows: the heading row repeats on every page, and every row is there."""
    report = report_build("resolved", scope=scope_parse("org"), period=period_parse("FY2570"))
    report["rows"] = report["rows"] * 3
    with translation.override("th"):
        pages = pages_text(report_file(report, "pdf"))
    heading = nfkc("เลขที่เรื่อง")
    assert all(heading in page for page in pages[:-1])
    assert sum(len(re.findall(r"\b\d{2}-\d{7}-\d\b", p)) for p in pages) == len(report["rows"])


def test_a_download_from_a_thai_page_is_thai_whatever_the_browser_language(seeded):
    """The staff page's links keep the page's language; the API keeps its own rule."""
    manager = Client(headers={"accept-language": "en-US,en;q=0.9"})
    assert manager.login(username="chonburi_manager", password=PASSWORD)
    query = {"report": "category-sla", "scope": "branch:chonburi", "period": "FY2570"}
    page = manager.get("/staff/reports/", query).content.decode()
    links = re.findall(r'href="(/staff/reports/download\?[^"]+)"', page)
    assert len(links) == 4 and not re.search(r'href="/api/v1/reports/', page)
    pdf = manager.get(links[0].replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(pages_text(pdf.content))
    assert nfkc("จำนวนเรื่องร้องเรียนตามประเภทและ SLA") in text and "Received" not in text
    csv = manager.get("/staff/reports/download", {**query, "format": "csv"})
    assert "น้ำไม่ไหล" in csv.content.decode("utf-8-sig")
    # The same user who chose English on the staff side gets English.
    manager.cookies["django_language"] = "en"
    english = manager.get("/staff/reports/download", {**query, "format": "csv"})
    assert "No water" in english.content.decode("utf-8-sig")
    # The API still follows the client's Accept-Language.
    api = manager.get("/api/v1/reports/category-sla", {**query, "format": "json"})
    assert api.json()["rows"][0]["category_name"].isascii()


def test_a_download_checks_role_and_scope_like_the_page(seeded):
    khon_kaen = Client()
    assert khon_kaen.login(username="khonkaen_manager", password=PASSWORD)
    query = {"report": "resolved", "scope": "branch:chonburi", "period": "FY2570", "format": "pdf"}
    assert khon_kaen.get("/staff/reports/download", query).status_code == 403
    technician = Client()
    assert technician.login(username="chonburi_tech", password=PASSWORD)
    assert technician.get("/staff/reports/download", query).status_code == 403
    manager = Client()
    assert manager.login(username="chonburi_manager", password=PASSWORD)
    bad = manager.get("/staff/reports/download", {**query, "period": "2026-13"})
    assert bad.status_code == 400
    assert manager.get("/staff/reports/download", {**query, "format": "doc"}).status_code == 400
    anonymous = Client().get("/staff/reports/download", query)
    assert anonymous.status_code == 302


def test_the_period_picker_offers_words_and_takes_a_range_of_days(seeded):
    manager = Client()
    assert manager.login(username="chonburi_manager", password=PASSWORD)
    page = manager.get("/staff/reports/").content.decode()
    today = timezone.localdate()
    year, quarter = year_period(fiscal_year(today)), quarter_period(today)
    assert f">{year.label_in('th')}<" in page and f">{quarter.label_in('th')}<" in page
    assert "ปีงบประมาณ 25" in year.label_in("th") and "ไตรมาส" in quarter.label_in("th")
    assert f'value="{quarter.code}"' in page  # the value is the code the API takes
    first = today - timedelta(days=20)
    ranged = manager.get(
        "/staff/reports/",
        {
            "report": "category-sla",
            "scope": "branch:chonburi",
            "period": "range",
            "first": f"{first.day}/{first.month}/{first.year + 543}",
            "last": f"{today.day}/{today.month}/{today.year + 543}",
        },
    )
    assert ranged.status_code == 200
    assert f"{first.isoformat()}..{today.isoformat()}" in ranged.content.decode()
    wrong = manager.get(
        "/staff/reports/",
        {"report": "category-sla", "scope": "branch:chonburi", "period": "range",
         "first": "31/2/2569", "last": "1/3/2569"},
    )  # fmt: skip
    assert wrong.status_code == 400 and "ไม่ใช่วันที่" in wrong.content.decode()


def test_count_columns_say_how_many_not_when(seeded):
    """ "รับเรื่องเมื่อ" (received when) headed the count of complaints received."""
    with translation.override("th"):
        report = report_build(
            "category-sla", scope=scope_parse("org"), period=period_parse("FY2570")
        )
        headings = [str(c.heading) for c in report_tables(report)[0].columns]
        resolved = report_build("resolved", scope=scope_parse("org"), period=period_parse("FY2570"))
        dated = {c.key: str(c.heading) for c in report_tables(resolved)[0].columns}
    assert "จำนวนรับเรื่อง" in headings and "รับเรื่องเมื่อ" not in headings
    assert dated["received_at"] == "รับเรื่องเมื่อ"  # a date: when it was received
