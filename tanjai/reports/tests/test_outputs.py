"""The reports as files, over the API, on the command line and on screen: the same figures,
for those allowed to see them."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tanjai.conftest import PASSWORD
from tanjai.core.periods import period_parse
from tanjai.demo.generator import seed_demo
from tanjai.reports.exports import report_build
from tanjai.reports.scope import scope_parse
from tanjai.reports.services import reports_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    """Seeded once for the module: each test reads it, and what a test adds is undone after it."""
    with django_db_blocker.unblock():
        seed_demo(complaints=400, seed=5, batch=200, days=120,
                  branches=["chonburi", "khon-kaen"], technicians_per_branch=1)  # fmt: skip
        reports_rebuild()


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_category_sla_json_has_the_documented_shape(seeded, tmp_path):
    out = tmp_path / "r.json"
    call_command(
        "tanjai_report",
        "category-sla",
        scope="org",
        period="FY2570",
        format="json",
        output=str(out),
    )
    data = json.loads(out.read_text())
    assert set(data) >= {"rows", "totals", "scope", "period"}
    row = data["rows"][0]
    for key in (
        "category",
        "received",
        "closed_within_sla",
        "closed_over_sla",
        "open_within_sla",
        "open_over_sla",
    ):
        assert key in row
    assert data["totals"]["received"] == sum(r["received"] for r in data["rows"]) > 0


def test_the_xlsx_has_real_numbers_one_sheet_per_table(seeded, tmp_path):
    for name, sheets in (
        ("category-sla", ["category-sla"]),
        ("results", ["results", "steps", "subcategories", "places"]),
        ("satisfaction", ["by-category", "by-branch", "comments"]),
        ("resolved", ["resolved"]),
    ):
        out = tmp_path / f"{name}.xlsx"
        call_command("tanjai_report", name, scope="branch:chonburi", period="FY2570",
                     format="xlsx", output=str(out))  # fmt: skip
        book = load_workbook(out)
        assert book.sheetnames == sheets
        first = book[sheets[0]]
        assert "กปภ.สาขาชลบุรี" in first["A1"].value
        numbers = [c.value for row in first.iter_rows(min_row=3) for c in row[1:]]
        assert any(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers)
    resolved = load_workbook(tmp_path / "resolved.xlsx")["resolved"]
    assert resolved["G3"].value is None or resolved["G3"].is_date


def test_the_api_checks_role_and_scope_and_matches_the_cli(seeded, tmp_path):
    centre = signed_in("chonburi_centre")
    own = centre.get("/api/v1/reports/category-sla", {"period": "FY2570"})
    assert own.status_code == 200, own.content
    assert own.json()["scope"] == "branch:chonburi"  # their own scope by default
    other = centre.get(
        "/api/v1/reports/category-sla", {"period": "FY2570", "scope": "branch:khon-kaen"}
    )
    assert other.status_code == 403
    wide = centre.get("/api/v1/reports/results", {"period": "FY2570", "scope": "org"})
    assert wide.status_code == 403
    assert (
        signed_in("chonburi_tech")
        .get("/api/v1/reports/category-sla", {"period": "FY2570"})
        .status_code
        == 403
    )
    bad = centre.get("/api/v1/reports/category-sla", {"period": "soon"})
    assert bad.status_code == 400 and "period" in bad.json()["errors"]
    assert centre.get("/api/v1/reports/nothing", {"period": "FY2570"}).status_code == 400

    out = tmp_path / "cli.json"
    call_command("tanjai_report", "category-sla", scope="branch:chonburi", period="FY2570",
                 output=str(out), user="chonburi_centre")  # fmt: skip
    cli = json.loads(out.read_text())

    def figures(rows):  # names follow the language (the API answers in English by default)
        return [{k: v for k, v in r.items() if not k.endswith("_name")} for r in rows]

    assert figures(cli["rows"]) == figures(own.json()["rows"])

    as_csv = centre.get("/api/v1/reports/category-sla", {"period": "FY2570", "format": "csv"})
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][0] == "category_name" and rows[-1][0] in ("รวม", "Total")
    assert int(rows[-1][1]) == cli["totals"]["received"]


def test_free_text_in_reports_is_masked(seeded):
    from tanjai.complaints.models import Complaint
    from tanjai.portal.survey import survey_answer

    c = Complaint.objects.filter(
        status="closed", branch__code="chonburi", satisfaction=None
    ).first()
    survey_answer(
        complaint=c,
        score=2,
        comment='=HYPERLINK("http://x") โทรกลับ 081-234-5678 บ้านเลขที่ 45/6',
        channel="web",
    )
    report = report_build("satisfaction", scope=scope_parse("branch:chonburi"),
                          period=period_parse(f"{timezone.localtime(c.received_at):%Y-%m}"))  # fmt: skip
    comment = next(x["comment"] for x in report["comments"] if x["tracking_no"] == c.tracking_no)
    assert "081-234-5678" not in comment and "45/6" not in comment and "โทรกลับ" in comment
    # In the workbook the comment is text, not a formula.
    from tanjai.reports.exports import to_xlsx

    book = load_workbook(io.BytesIO(to_xlsx(report)))
    cells = [
        cell
        for row in book["comments"].iter_rows(min_row=3)
        for cell in row
        if "HYPERLINK" in str(cell.value or "")
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_the_reports_page_shows_tables_and_offers_downloads(seeded):
    centre = signed_in("chonburi_centre")
    page = centre.get(
        "/staff/reports/",
        {"report": "category-sla", "scope": "branch:chonburi", "period": "FY2570"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-table="category-sla"' in html and "report-chart-data" in html
    # The map counts the complaints with a place, per square of about 5 km.
    from tanjai.complaints.models import Complaint
    from tanjai.reports.selectors import map_points

    fy = period_parse("FY2570")
    points = map_points(scope=scope_parse("branch:chonburi"), period=fy)
    placed = Complaint.objects.filter(branch__code="chonburi", lat__isnull=False,
                                      received_at__gte=fy.start, received_at__lt=fy.end)  # fmt: skip
    assert sum(p["n"] for p in points) == placed.count() > 0
    assert "report-map-data" in html
    assert (
        "/staff/reports/download?report=category-sla&amp;scope=branch%3Achonburi&amp;period=FY2570"
        in html
    )
    # A scope outside one's own is not offered and not served.
    assert "branch:khon-kaen" not in html
    assert (
        centre.get(
            "/staff/reports/",
            {"report": "results", "scope": "branch:khon-kaen", "period": "FY2570"},
        ).status_code
        == 403
    )
    assert signed_in("chonburi_tech").get("/staff/reports/").status_code == 403
    for name in ("results", "satisfaction", "resolved"):
        page = centre.get(
            "/staff/reports/", {"report": name, "scope": "branch:chonburi", "period": "FY2570"}
        )
        assert page.status_code == 200, name


def test_the_evaluation_compares_units_and_months(seeded, tmp_path):
    from tanjai.reports.selectors import category_sla

    org, fy = scope_parse("org"), period_parse("FY2570")
    report = report_build("evaluation", scope=org, period=fy)
    total = category_sla(scope=org, period=fy)["totals"]["received"]
    assert sum(r["received"] for r in report["side_by_side"]) == total > 0
    assert {r["unit"] for r in report["side_by_side"]} == {
        "1",
        "6",
    }  # Chonburi's and Khon Kaen's regions
    assert sum(r["received"] for r in report["over_time"]) == total
    assert abs(sum(c["share"] for c in report["channel_mix"]) - 1) < 0.01
    region = report_build("evaluation", scope=scope_parse("region:1"), period=fy)
    assert [r["unit"] for r in region["side_by_side"]] == ["chonburi"]
    out = tmp_path / "evaluation.xlsx"
    call_command(
        "tanjai_report", "evaluation", scope="org", period="FY2570", format="xlsx", output=str(out)
    )
    assert load_workbook(out).sheetnames == [
        "steps",
        "side-by-side",
        "over-time",
        "channels",
        "repeat-places",
    ]
    evaluator = signed_in("evaluator")
    page = evaluator.get(
        "/staff/reports/", {"report": "evaluation", "scope": "org", "period": "FY2570"}
    )
    assert page.status_code == 200 and 'data-table="side-by-side"' in page.content.decode()


def test_the_pdf_is_a_thai_document(seeded, tmp_path):
    out = tmp_path / "r.pdf"
    call_command("tanjai_report", "category-sla", scope="branch:chonburi", period="FY2570",
                 format="pdf", output=str(out))  # fmt: skip
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"Sarabun" in data  # the Thai font is embedded
    centre = signed_in("chonburi_centre")
    response = centre.get("/api/v1/reports/results", {"period": "FY2570", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="results-branch-chonburi-FY2570.pdf"' in response["Content-Disposition"]


def test_ranges_cut_months_and_long_text_fits_the_pdf(seeded, tmp_path):
    from tanjai.complaints.models import Complaint
    from tanjai.portal.survey import survey_answer
    from tanjai.reports.exports import ReportError
    from tanjai.reports.files import report_file
    from tanjai.reports.selectors import category_sla

    org = scope_parse("org")
    first = Complaint.objects.order_by("received_at").first().received_at
    day = timezone.localtime(first).date()
    period = period_parse(f"{day + timedelta(days=10)}..{day + timedelta(days=50)}")
    report = report_build("evaluation", scope=org, period=period)  # partial months at both ends
    total = category_sla(scope=org, period=period)["totals"]["received"]
    assert sum(r["received"] for r in report["over_time"]) == total > 0
    assert sum(r["n"] for r in report["steps"].values() if r) > 0
    with pytest.raises(ReportError):
        report_build("krs-quarter", scope=org, period=period_parse("2026-10"))

    closed = Complaint.objects.filter(status="closed").first()
    survey_answer(complaint=closed, score=1, comment="น้ำไม่ไหล " * 400, channel="web")
    month = period_parse(f"{timezone.localtime(closed.received_at):%Y-%m}")
    sat = report_build("satisfaction", scope=org, period=month)
    assert report_file(sat, "pdf").startswith(b"%PDF-")
