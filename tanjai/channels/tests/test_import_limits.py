"""An import file as a weapon: a small XLSX that unpacks to hundreds of megabytes, or holds
a million rows. Each is built here as a real zip, and refused within seconds, in little
memory, with a reason a person can act on, while a normal file still imports."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.core.management import CommandError, call_command

from tanjai.channels.import_files import MAX_ROWS, SHARED_STRINGS_MAX_BYTES
from tanjai.channels.models import ImportBatch, ImportStatus
from tanjai.complaints.models import Complaint

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADINGS = ["เลขที่เรื่อง", "วันที่รับเรื่อง", "ชื่อเรื่อง", "รายละเอียด", "จังหวัด"]
ROW = ["1111-6911-000001", "24/11/2569", "ท่อแตก", "ท่อประปาแตกหน้าตลาด", "ชลบุรี"]


def xlsx(path: Path, *, sheet: Iterable[bytes], strings: Iterable[bytes]) -> Path:
    """A workbook as Excel writes it (shared strings, a styles part), its two big parts
    written a piece at a time so that building it takes little memory."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{REL}/officeDocument"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="รายงาน" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{REL}/worksheet"/>'
            f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{REL}/sharedStrings"/>'
            f'<Relationship Id="rId3" Target="styles.xml" Type="{REL}/styles"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '</borders><cellStyleXfs count="1">'
            '<xf numFmtId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        for name, pieces in (
            ("xl/sharedStrings.xml", strings),
            ("xl/worksheets/sheet1.xml", sheet),
        ):
            with zf.open(name, "w", force_zip64=True) as part:
                for piece in pieces:
                    part.write(piece)
    return path


def strings_part(first: list[str], *, filler_bytes: int = 0) -> Iterator[bytes]:
    """The shared strings: `first`, then filler (short Thai strings, each one more object
    for a reader that keeps them all) up to about `filler_bytes` unpacked."""
    yield f'<sst xmlns="{MAIN}">'.encode()
    for text in first:
        yield f"<si><t>{escape(text)}</t></si>".encode()
    one = "<si><t>น้ำไม่ไหล</t></si>".encode()
    block = one * max(1, (1 << 20) // len(one))
    for _ in range(filler_bytes // len(block)):
        yield block
    yield b"</sst>"


def sheet_part(*, rows: int, columns: int) -> Iterator[bytes]:
    """A heading row (shared strings 0..columns-1), then `rows` rows, each cell naming a
    shared string, a date cell styled as a date."""
    yield f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode()
    yield "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(columns)).encode()
    yield b"</row>"
    batch = []
    for n in range(2, rows + 2):
        cells = "".join(
            f'<c r="{chr(65 + i)}{n}" t="s"><v>{columns + i}</v></c>' for i in range(columns)
        )
        batch.append(f'<row r="{n}">{cells}</row>')
        if len(batch) == 5000:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</sheetData></worksheet>").encode()


def refused(path: Path, *, within: float, peak_mb: float) -> str:
    """Import the file; it must be refused within `within` seconds, never holding more than
    `peak_mb` of Python memory. Returns the reason given."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(CommandError) as refusal:
            call_command("tanjai_import", str(path), format="gcc1111")
        elapsed = time.monotonic() - started
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < within, f"refused only after {elapsed:.1f}s"
    assert peak < peak_mb * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"
    assert not Complaint.objects.filter(channel__code="gcc1111").exists()
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportStatus.FAILED and not batch.file
    return str(refusal.value)


def test_a_small_file_of_huge_text_under_wrong_headings_is_refused_by_its_headings(tmp_path):
    # 1 MB on disk, tens of megabytes of text unpacked: the headings, read first, are not
    # those of the format, so the text is never read.
    path = xlsx(
        tmp_path / "bomb.xlsx",
        sheet=sheet_part(rows=3, columns=5),
        strings=strings_part(
            ["a", "b", "c", "d", "e"], filler_bytes=SHARED_STRINGS_MAX_BYTES - 2**20
        ),
    )
    assert path.stat().st_size < 2 * 1024 * 1024
    reason = refused(path, within=3, peak_mb=16)
    assert "เลขที่เรื่อง" in reason and "a, b, c, d, e" in reason  # wanted, and found


def test_text_that_unpacks_past_the_limit_is_refused_before_it_is_read(tmp_path):
    path = xlsx(
        tmp_path / "bomb.xlsx",
        sheet=sheet_part(rows=3, columns=5),
        strings=strings_part([*HEADINGS, *ROW], filler_bytes=SHARED_STRINGS_MAX_BYTES + 2**20),
    )
    reason = refused(path, within=3, peak_mb=16)
    # In the staff's language: too large, its text over 64 MB unpacked.
    assert "ใหญ่เกินไป" in reason and f"{SHARED_STRINGS_MAX_BYTES // 2**20} MB" in reason


def test_a_file_of_too_many_rows_is_refused_before_any_is_imported(tmp_path):
    path = xlsx(
        tmp_path / "rows.xlsx",
        sheet=sheet_part(rows=MAX_ROWS * 2, columns=5),
        strings=strings_part([*HEADINGS, *ROW]),
    )
    reason = refused(path, within=10, peak_mb=32)
    assert f"เกิน {MAX_ROWS:,} แถว" in reason  # more than 50,000 rows: split it


def test_a_workbook_written_as_excel_writes_it_still_imports(tmp_path):
    from datetime import datetime

    from openpyxl.utils.datetime import to_excel

    received = to_excel(datetime(2026, 11, 24, 9, 15))
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>1111-6911-00010{n}</t></is></c>'
        f'<c r="B{n}" s="1"><v>{received}</v></c>'  # a real date: a number styled as one
        f'<c r="C{n}" t="s"><v>5</v></c><c r="D{n}" t="s"><v>6</v></c>'
        f'<c r="E{n}" t="s"><v>7</v></c></row>'
        for n in range(2, 5)
    )
    heading = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(5))
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{heading}</row>{rows}'
    sheet += "</sheetData></worksheet>"
    strings = [
        f'<sst xmlns="{MAIN}">',
        *(f"<si><t>{escape(h)}</t></si>" for h in HEADINGS),
        # Rich text in runs, with a reading aid (rPh) that is not part of the text.
        '<si><r><t>ท่อ</t></r><r><t>แตก</t></r><rPh sb="0" eb="1"><t>ト</t></rPh></si>',
        "<si><t>ท่อประปาแตกหน้าตลาด</t></si>",
        "<si><t>จ.ชลบุรี</t></si>",
        "</sst>",
    ]
    path = xlsx(
        tmp_path / "fine.xlsx", sheet=[sheet.encode()], strings=[s.encode() for s in strings]
    )
    call_command("tanjai_import", str(path), format="gcc1111")
    complaints = Complaint.objects.filter(channel__code="gcc1111").order_by("external_ref")
    assert [c.external_ref for c in complaints] == [f"1111-6911-00010{n}" for n in range(2, 5)]
    first = complaints[0]
    assert first.received_at.isoformat() == "2026-11-24T02:15:00+00:00"  # 09:15 in Bangkok
    assert first.description.split() == ["ท่อแตก", "ท่อประปาแตกหน้าตลาด"]
    assert first.subcategory.code == "main_burst" and first.branch.code == "chonburi"


def test_entities_that_would_expand_are_refused(tmp_path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "ฮาฮาฮาฮาฮาฮาฮาฮาฮาฮา">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + f']><sst xmlns="{MAIN}"><si><t>&i;</t></si></sst>'
    )
    path = xlsx(
        tmp_path / "laughs.xlsx", sheet=sheet_part(rows=1, columns=5), strings=[laughs.encode()]
    )
    reason = refused(path, within=3, peak_mb=16)
    assert "XLSX" in reason


def test_a_csv_of_too_many_rows_is_refused_before_any_is_imported(tmp_path):
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(HEADINGS) + "\n")
        out.writelines(
            f"1111-6911-{n:06d},24/11/2569,ท่อแตก,ท่อแตก,ชลบุรี\n" for n in range(MAX_ROWS + 1)
        )
    reason = refused(path, within=10, peak_mb=48)
    assert f"เกิน {MAX_ROWS:,} แถว" in reason
