"""The reports as PDF, as an official Thai document: A4 landscape in Sarabun, Thai shaped
by HarfBuzz and wrapped only between words, names rather than codes, Buddhist-Era dates,
a bar chart of the first table, every table with its heading repeated on each page, page
numbers, and a signature block.

Column widths come from the content, as a browser lays out a table: each column is at
least as wide as its longest word (in the heading or a cell), and the space left is shared
in proportion to how much each column would need to keep its cells on one line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tanjai.core.dates import format_date
from tanjai.core.pdftext import LINE_HEIGHT, TextWriter
from tanjai.reports.exports import REPORT_CHOICES, Column, Table, report_tables

# A list longer than this goes whole to XLSX and CSV only: about 900 pages, made in a few
# seconds while the person waits; nobody reads a longer one on paper.
PDF_ROWS = 20_000
PDF_TEXT = 300  # a free-text cell is cut here, so a row always fits on a page

BODY = 8.0  # points
TITLE = 15.0
PAD_X, PAD_Y = 1.2, 0.7  # mm inside a cell
MARGIN, FOOT = 10.0, 12.0  # mm
GRID = (150, 150, 150)
HEAD_FILL = (230, 238, 248)
BASELINE = 0.7  # of the line's height, from its top: room above for a tone mark
TOTAL_FILL = (245, 245, 245)


def _font_dir() -> Any:
    from fontpkg_sarabun import ROOT

    return ROOT / "files"


def cell_text(value: Any, kind: str, *, language: str, with_time: bool = True) -> str:
    """A value as the PDF shows it: 1,234 · 85.2% · 12.5 · 1 ต.ค. 69 08:15 · ใช่."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if kind == "datetime" and isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return format_date(value, language=language, short=True, with_time=with_time)
    if kind == "share" and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if kind in ("float", "hours") and isinstance(value, int | float):
        return number_format(value, 1 if kind == "hours" else 2, force_grouping=True)
    if kind == "int" and isinstance(value, int):
        return number_format(value, force_grouping=True)
    text = str(value)
    return text if len(text) <= PDF_TEXT else text[: PDF_TEXT - 1] + "…"


class ReportDocument:
    def __init__(self, report: dict[str, Any]) -> None:
        from fpdf import FPDF

        self.report = report
        self.language = get_language() or "th"
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        fonts = _font_dir()
        pdf.add_font("Sarabun", "", str(fonts / "Sarabun-Regular.ttf"))
        pdf.add_font("Sarabun", "B", str(fonts / "Sarabun-Bold.ttf"))
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_line_width(0.15)
        pdf.set_font("Sarabun", "", BODY)
        self.regular = pdf.current_font
        pdf.set_font("Sarabun", "B", BODY)
        self.bold = pdf.current_font
        self.pdf = pdf
        self.text = TextWriter(pdf)
        self.bottom = pdf.h - FOOT - 2
        self.y = MARGIN
        self.title = ""

    # -- pages -------------------------------------------------------------------------

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = MARGIN
        if self.pdf.page > 1:  # a running heading, so a loose page says what it is
            self.text.draw(
                f"{self.title} · {self.report['scope_name']} · {self.report['period_name']}",
                x=MARGIN,
                y=self.y + 3,
                font=self.regular,
                size=7.5,
                color="0.35 g",
            )
            self.y += 6

    def need(self, height: float) -> bool:
        """Start a new page unless `height` fits on this one; True if it did."""
        if self.y + height > self.bottom:
            self.new_page()
            return True
        return False

    def line_step(self, size: float) -> float:
        return size * LINE_HEIGHT / self.pdf.k

    def heading(self, text: str, *, size: float) -> None:
        width = self.pdf.epw
        lines = self.text.lines(text, font=self.bold, size=size, width=width)
        step = self.line_step(size)
        self.need(step * len(lines) + 2)
        for line in lines:
            self.text.draw_line(line, x=MARGIN, y=self.y + size * 0.36, font=self.bold, size=size)
            self.y += step
        self.y += 1

    def paragraph(self, text: str, *, size: float = 10, color: str = "0 g") -> None:
        lines = self.text.lines(text, font=self.regular, size=size, width=self.pdf.epw)
        step = self.line_step(size)
        for line in lines:
            self.need(step)
            self.text.draw_line(
                line, x=MARGIN, y=self.y + size * 0.36, font=self.regular, size=size, color=color
            )
            self.y += step

    def footers(self) -> None:
        """Page numbers once the count is known: each page's footer is written last."""
        pdf = self.pdf
        printed = _("printed %(when)s") % {
            "when": format_date(timezone.now(), language=self.language)
        }
        total = pdf.page
        for number in range(1, total + 1):
            pdf.page = number
            footer = (
                f"{self.report['scope_name']} · {self.report['period_name']} · {printed} · "
                + _("page %(page)s of %(pages)s") % {"page": number, "pages": total}
            )
            self.text.draw(
                footer,
                x=MARGIN,
                y=pdf.h - FOOT + 4,
                font=self.regular,
                size=8,
                width=pdf.epw,
                align="C",
                color="0.3 g",
            )
        pdf.page = total

    # -- chart ---------------------------------------------------------------------------

    def chart(self, table: Table) -> None:
        """Bars of the first count column of the first table, by its first text column."""
        label = next((c for c in table.columns if c.kind == "text"), None)
        value = next((c for c in table.columns if c.kind == "int"), None)
        if label is None or value is None:
            return
        total = str(_("Total"))
        rows = [
            r
            for r in table.rows
            if isinstance(r.get(value.key), int) and str(r.get(label.key)) != total
        ][:12]
        if not rows:
            return
        self.heading(f"{value.heading} · {label.heading}", size=10)
        top = max(r[value.key] for r in rows) or 1
        label_width = 70.0
        bar_room = self.pdf.epw - label_width - 25
        step = self.line_step(9) + 0.6
        for row in rows:
            self.need(step)
            name = str(row.get(label.key, ""))
            line = self.text.lines(name, font=self.regular, size=9, width=label_width - 2)[0]
            base = self.y + 9 * 0.36 + 0.6
            self.text.draw_line(line, x=MARGIN, y=base, font=self.regular, size=9)
            length = max(bar_room * row[value.key] / top, 0.4)
            self.pdf.set_fill_color(11, 92, 173)
            self.pdf.rect(MARGIN + label_width, self.y + 1.2, length, step - 2.2, style="F")
            self.text.draw(
                number_format(row[value.key], force_grouping=True),
                x=MARGIN + label_width + length + 2,
                y=base,
                font=self.regular,
                size=9,
            )
            self.y += step
        self.y += 3

    # -- tables --------------------------------------------------------------------------

    def table(self, table: Table) -> None:
        if self.y > MARGIN + 20 and self.y + 30 > self.bottom:
            self.new_page()
        self.heading(table.title, size=12)
        if not table.rows:
            self.paragraph(_("No complaints in this period."), size=BODY + 1)
            self.y += 4
            return
        rows = table.rows[:PDF_ROWS]
        columns = table.columns
        headings = [str(c.heading) for c in columns]
        texts = self._texts(rows, columns)
        widths, fits = self._widths(headings, texts, columns)
        dated = [i for i, c in enumerate(columns) if c.kind == "datetime"]
        if dated and not all(fits):
            # Something would wrap: the dates alone first (the XLSX has the times, and the
            # hours columns the durations), so that rows stay one line high where they can.
            for i in dated:
                key, language = columns[i].key, self.language
                for row, cells in zip(rows, texts, strict=True):
                    cells[i] = cell_text(
                        row.get(key), "datetime", language=language, with_time=False
                    )
            widths, fits = self._widths(headings, texts, columns)
        aligns = ["L" if c.kind == "text" else "R" for c in columns]
        step = self.line_step(BODY)
        head = [self.text.lines(h, font=self.bold, size=BODY, width=w - 2 * PAD_X)
                for h, w in zip(headings, widths, strict=True)]  # fmt: skip
        head_height = max(len(h) for h in head) * step + 2 * PAD_Y
        total = str(_("Total"))
        self.need(head_height + step + 2 * PAD_Y)
        top = self._head(head, widths, head_height)
        for cells in texts:
            bold = bool(cells) and cells[0] == total
            font = self.bold if bold else self.regular
            lines = [self.text.lines(t, font=font, size=BODY, width=w - 2 * PAD_X)
                     for t, w in zip(cells, widths, strict=True)]  # fmt: skip
            height = max(len(ln) for ln in lines) * step + 2 * PAD_Y
            if self.y + height > self.bottom:
                self._rules(top, widths)
                self.new_page()
                top = self._head(head, widths, head_height)
            if bold:
                self.pdf.set_fill_color(*TOTAL_FILL)
                self.pdf.rect(MARGIN, self.y, sum(widths), height, style="F")
            x = MARGIN
            ops: list[str] = []
            for cell_lines, width, align in zip(lines, widths, aligns, strict=True):
                ops += self._cell(cell_lines, x=x, width=width, align=align, font=font)
                x += width
            self.text.emit(ops)
            self.y += height
            self.pdf.line(MARGIN, self.y, MARGIN + sum(widths), self.y)
        self._rules(top, widths)
        if len(table.rows) > PDF_ROWS:
            self.y += 2
            self.paragraph(
                _("The first %(shown)s of %(count)s rows; the XLSX and CSV have them all.")
                % {
                    "shown": number_format(PDF_ROWS, force_grouping=True),
                    "count": number_format(len(table.rows), force_grouping=True),
                },
                size=BODY + 1,
            )
        self.y += 5

    def _texts(self, rows: list[dict[str, Any]], columns: list[Column]) -> list[list[str]]:
        language = self.language
        return [
            [
                cell_text(
                    row.get(c.key),
                    row.get("kind", "int") if c.kind == "mixed" else c.kind,
                    language=language,
                )
                for c in columns
            ]
            for row in rows
        ]

    def _cell(self, lines: list, *, x: float, width: float, align: str, font: Any) -> list[str]:
        """The operators of one cell's lines (drawn with the rest of its row)."""
        step = self.line_step(BODY)
        base = self.y + PAD_Y + step * BASELINE
        ops = []
        for line in lines:
            shift = 0.0
            if align == "R" and line:
                used = self.text.line_width(line, font=font, size=BODY)
                shift = width - 2 * PAD_X - used
            ops.append(self.text.line_ops(line, x=x + PAD_X + shift, y=base, font=font, size=BODY))
            base += step
        return ops

    def _head(self, head: list[list], widths: list[float], height: float) -> float:
        """The heading row at the current position; returns where the table starts."""
        pdf = self.pdf
        top = self.y
        pdf.set_fill_color(*HEAD_FILL)
        pdf.set_draw_color(*GRID)
        pdf.rect(MARGIN, top, sum(widths), height, style="F")
        pdf.line(MARGIN, top, MARGIN + sum(widths), top)
        x = MARGIN
        ops: list[str] = []
        for lines, width in zip(head, widths, strict=True):
            ops += self._cell(lines, x=x, width=width, align="L", font=self.bold)
            x += width
        self.text.emit(ops)
        self.y += height
        pdf.line(MARGIN, self.y, MARGIN + sum(widths), self.y)
        return top

    def _rules(self, top: float, widths: list[float]) -> None:
        """The vertical lines of the part of a table on this page."""
        x = MARGIN
        self.pdf.line(x, top, x, self.y)
        for width in widths:
            x += width
            self.pdf.line(x, top, x, self.y)

    def _widths(
        self, headings: list[str], texts: list[list[str]], columns: list[Column]
    ) -> tuple[list[float], list[bool]]:
        """Each column's width, and whether its cells fit on one line."""
        widths = self._layout(headings, texts, columns)
        return widths, [w >= hi - 0.01 for w, hi in zip(widths, self._most, strict=True)]

    def _layout(self, headings: list[str], texts: list[list[str]], columns: list) -> list[float]:
        room = self.pdf.epw
        pad = 2 * PAD_X
        measure, widest = self.text.width, self.text.widest_piece
        least, most, want = [], [], []
        for i, heading in enumerate(headings):
            font = self.regular
            values = {row[i] for row in texts}
            natural = max((measure(v, font=font, size=BODY) for v in values), default=0.0)
            word = max((widest(v, font=font, size=BODY) for v in values), default=0.0)
            head_word = widest(heading, font=self.bold, size=BODY)
            head_line = measure(heading, font=self.bold, size=BODY)
            # A heading may wrap, but to three lines at most where the page allows.
            floor = max(word, head_word, min(head_line / 3, room / 10)) + pad + 0.5
            least.append(floor)
            most.append(max(natural + pad + 0.5, floor))
            # Room that would save the heading a line, given only once the cells fit.
            want.append(max(0.0, min(head_line + pad, room / 4) - most[-1]))
        self._most = most
        if sum(most) <= room:
            spare = room - sum(most)
            widths = list(most)
            if sum(want):
                share = min(1.0, spare / sum(want))
                widths = [w + n * share for w, n in zip(widths, want, strict=True)]
            # Tables of figures fill the page; a short list keeps its own width.
            if all(c.kind != "text" for c in columns[1:]):
                left = room - sum(widths)
                widths = [w + left / len(widths) for w in widths]
            return widths
        if sum(least) <= room:
            # Too wide: the widest columns give way first, down to their longest word, so
            # that dates and figures stay on one line while long names wrap.
            low, high = 0.0, max(most)
            for _step in range(40):
                cap = (low + high) / 2
                used = sum(min(hi, max(lo, cap)) for lo, hi in zip(least, most, strict=True))
                low, high = (cap, high) if used <= room else (low, cap)
            widths = [min(hi, max(lo, low)) for lo, hi in zip(least, most, strict=True)]
            left = room - sum(widths)
            wrapped = [i for i, w in enumerate(widths) if w < most[i]]
            for i in wrapped:
                widths[i] += left / len(wrapped)
            return widths
        return [lo * room / sum(least) for lo in least]


def to_pdf(report: dict[str, Any]) -> bytes:
    tables = report_tables(report)
    doc = ReportDocument(report)
    doc.title = str(dict(REPORT_CHOICES).get(report["report"], tables[0].title))
    doc.new_page()
    authority = _("Provincial Waterworks Authority")
    doc.heading(f"{authority} · {doc.title}", size=TITLE)
    doc.paragraph(f"{report['scope_name']} · {report['period_name']}", size=12)
    as_of = report.get("as_of")
    if as_of:
        when = datetime.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        doc.paragraph(_("Figures as of %(when)s") % {"when": format_date(when, language=doc.language)}, size=9,
                      color="0.35 g")  # fmt: skip
    doc.y += 3
    doc.chart(tables[0])
    for table in tables:
        doc.table(table)
    _signature(doc)
    doc.footers()
    return bytes(doc.pdf.output())


def _signature(doc: ReportDocument) -> None:
    lines = [
        _("Signed") + " ..................................................... " + _("reporter"),
        "(.....................................................)",
        _("Position") + " .....................................................",
        _("Date") + " ........ / ........ / ............",
    ]
    step = doc.line_step(12) + 1.5
    doc.need(step * len(lines) + 10)
    doc.y += 8
    x = MARGIN + doc.pdf.epw * 0.55
    for line in lines:
        doc.text.draw(line, x=x, y=doc.y + 4, font=doc.regular, size=12)
        doc.y += step
