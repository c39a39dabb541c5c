"""The reports as PDF, as an official Thai document: Sarabun, Thai shaped by HarfBuzz (tone
marks sit above the vowels), Buddhist-Era dates, a bar chart of the first table, page
numbers, and a signature block."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.core.dates import format_date
from tanjai.reports.exports import Table, report_tables

PDF_ROWS = 1000
PDF_TEXT = 300


def _font_dir() -> Any:
    from fontpkg_sarabun import ROOT

    return ROOT / "files"


def _cell(value: Any, kind: str) -> str:
    from tanjai.reports.templatetags.report_cells import report_cell

    return report_cell({"v": value, "kind": kind}, _Col("v", kind))


class _Col:
    def __init__(self, key: str, kind: str) -> None:
        self.key, self.kind = key, kind


def to_pdf(report: dict[str, Any]) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    title_of = {t.name: t.title for t in report_tables(report)}
    printed = _("printed %(when)s") % {"when": format_date(timezone.now())}
    page_word = _("page")

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Sarabun", size=9)
            footer = f"{report['scope_name']} · {report['period_name']} · {printed}"
            self.cell(0, 6, f"{footer} · {page_word} {self.page_no()}/{{nb}}", align="C")

    pdf = Document(orientation="L", unit="mm", format="A4")
    fonts = _font_dir()
    pdf.add_font("Sarabun", "", str(fonts / "Sarabun-Regular.ttf"))
    pdf.add_font("Sarabun", "B", str(fonts / "Sarabun-Bold.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Sarabun", "B", 16)
    tables = report_tables(report)
    pdf.cell(0, 9, f"การประปาส่วนภูมิภาค · {title_of[tables[0].name]}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sarabun", size=12)
    pdf.cell(
        0, 7, f"{report['scope_name']} · {report['period_name']}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    _chart(pdf, tables[0])
    for table in tables:
        _table(pdf, table, FontFace)
    _signature(pdf)
    return bytes(pdf.output())


def _numeric(table: Table) -> tuple[str, str] | None:
    """The first text column and the first count column, for the chart."""
    label = next((c.key for c in table.columns if c.kind == "text"), None)
    value = next((c.key for c in table.columns if c.kind == "int"), None)
    return (label, value) if label and value else None


def _chart(pdf: Any, table: Table) -> None:
    keys = _numeric(table)
    rows = [r for r in table.rows if keys and isinstance(r.get(keys[1]), int)][:12]
    if not keys or not rows:
        return
    label, value = keys
    rows = [r for r in rows if r.get(label) not in (_("Total"),)]
    top = max((r[value] for r in rows), default=0) or 1
    pdf.set_font("Sarabun", size=10)
    width = pdf.epw - 70
    for row in rows:
        y = pdf.get_y()
        pdf.cell(65, 6, str(row.get(label, ""))[:40])
        pdf.set_fill_color(11, 92, 173)
        length = max(width * row[value] / top, 0.5)
        pdf.rect(pdf.l_margin + 67, y + 1, length, 4, style="F")
        pdf.set_xy(pdf.l_margin + 69 + length, y)
        pdf.cell(20, 6, f"{row[value]:,}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(3)


def _table(pdf: Any, table: Table, font_face: Any) -> None:
    if pdf.get_y() > pdf.eph - 30:
        pdf.add_page()
    pdf.set_font("Sarabun", "B", 13)
    pdf.cell(0, 8, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sarabun", size=9)
    if not table.rows:
        pdf.cell(0, 6, _("No complaints in this period."), new_x="LMARGIN", new_y="NEXT")
        return
    text_cols = sum(1 for c in table.columns if c.kind == "text")
    widths = [3 if c.kind == "text" else 1 for c in table.columns]
    if text_cols == 0:
        widths = [1] * len(table.columns)
    with pdf.table(
        col_widths=widths,
        headings_style=font_face(emphasis="BOLD", fill_color=(230, 238, 248)),
        line_height=6.5,  # room above the line for Thai tone marks
        text_align=["LEFT" if c.kind == "text" else "RIGHT" for c in table.columns],
    ) as grid:
        heading = grid.row()
        for c in table.columns:
            heading.cell(str(c.heading))
        for row in table.rows[:PDF_ROWS]:
            line = grid.row()
            for c in table.columns:
                kind = row.get("kind", "int") if c.kind == "mixed" else c.kind
                text = _cell(row.get(c.key), kind)
                # A row must fit on a page: long free text is cut (the XLSX has it whole).
                line.cell(text if len(text) <= PDF_TEXT else text[: PDF_TEXT - 1] + "…")
    if len(table.rows) > PDF_ROWS:
        pdf.set_font("Sarabun", size=9)
        pdf.cell(
            0,
            6,
            _("The first %(shown)s of %(count)s rows; the XLSX and CSV have them all.")
            % {"shown": PDF_ROWS, "count": len(table.rows)},
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)


def _signature(pdf: Any) -> None:
    if pdf.get_y() > pdf.eph - 40:
        pdf.add_page()
    pdf.ln(10)
    pdf.set_font("Sarabun", size=12)
    x = pdf.l_margin + pdf.epw * 0.55
    for line in (
        "ลงชื่อ ..................................................... ผู้รายงาน",
        "(.....................................................)",
        "ตำแหน่ง .....................................................",
        "วันที่ ........ / ........ / ............",
    ):
        pdf.set_x(x)
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
