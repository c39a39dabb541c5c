"""Reading the files GCC 1111 and Damrongtham export: CSV (UTF-8 or Thai Windows) or XLSX,
told apart by their content, and their cells as text and dates as those systems write them
(Thai digits, Thai month names, Buddhist-Era years, Excel serial dates)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.channels.models import ImportFormat
from tanjai.core.text import FORMULA_START, THAI_DIGITS

MAX_COLUMNS = 200
MAX_BLANK_ROWS = 1000
REJECTED_ROW_HEADING = "แถวที่ (row)"
# A cell that says there is nothing there.
PLACEHOLDERS = {"-", "--", "ไม่ระบุ", "ไม่มี", "n/a", "na", "null", "none"}

THAI_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("มกราคม", "ม.ค."),
            ("กุมภาพันธ์", "ก.พ."),
            ("มีนาคม", "มี.ค."),
            ("เมษายน", "เม.ย."),
            ("พฤษภาคม", "พ.ค."),
            ("มิถุนายน", "มิ.ย."),
            ("กรกฎาคม", "ก.ค."),
            ("สิงหาคม", "ส.ค."),
            ("กันยายน", "ก.ย."),
            ("ตุลาคม", "ต.ค."),
            ("พฤศจิกายน", "พ.ย."),
            ("ธันวาคม", "ธ.ค."),
        ],
        start=1,
    )
    for name in names
}
_MONTH_WORDS = re.compile(
    "|".join(re.escape(n) for n in sorted(THAI_MONTHS, key=len, reverse=True))
)


class ImportFileError(Exception):
    """The file as a whole cannot be read (the wrong kind, columns missing)."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (row number in the file, cells)
    total: int | None


def heading_normalise(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\ufeff", "").replace("\u200b", "")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _csv_table(data: bytes, fmt: ImportFormat) -> Table:
    encodings = [fmt.encoding] if fmt.encoding else ["utf-8-sig", "cp874"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    else:
        raise ImportFileError(
            _("The file is not text in %(encodings)s.") % {"encodings": ", ".join(encodings)}
        )
    # Only the delimiter is taken from the sniffer: its guesses about quoting garble
    # fields with doubled quotes further down the file.
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is broken near line %(line)d (%(error)s): a quote left open?")
            % {"line": reader.line_num, "error": exc}
        ) from None
    # A file of rejected rows written by Tanjai has its headings on the first row.
    start = 1 if rows and rows[0] and rows[0][0] == REJECTED_ROW_HEADING else fmt.header_row
    if len(rows) < start:
        raise ImportFileError(_("The file has no heading row."))
    headers = [str(h) for h in rows[start - 1][:MAX_COLUMNS]]
    body = [(start + i + 1, r[:MAX_COLUMNS]) for i, r in enumerate(rows[start:])]
    body = [(n, r) for n, r in body if any(str(c).strip() for c in r)]
    return Table(headers=headers, rows=iter(body), total=len(body))


def _xlsx_table(stream: IO[bytes], fmt: ImportFormat) -> Table:
    from openpyxl import load_workbook

    try:
        unpacked = sum(i.file_size for i in zipfile.ZipFile(stream).infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    if unpacked > settings.TANJAI_IMPORT_MAX_BYTES * 20:
        raise ImportFileError(_("The file is too large."))
    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    if fmt.sheet:
        if fmt.sheet not in book.sheetnames:
            raise ImportFileError(
                _("The workbook has no sheet “%(sheet)s”; it has %(names)s.")
                % {"sheet": fmt.sheet, "names": ", ".join(book.sheetnames)}
            )
        sheet = book[fmt.sheet]
    else:
        sheet = book.worksheets[0]
    start = fmt.header_row
    cells = sheet.iter_rows(min_row=start, max_col=MAX_COLUMNS, values_only=True)
    try:
        headers = ["" if h is None else str(h) for h in next(cells)]
    except StopIteration:
        raise ImportFileError(_("The file has no heading row.")) from None
    total = sheet.max_row - start if sheet.max_row else None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        blank = 0
        for number, row in enumerate(cells, start=start + 1):
            if any(c is not None and str(c).strip() for c in row):
                blank = 0
                yield number, list(row)
            else:
                blank += 1
                if blank >= MAX_BLANK_ROWS:  # formatted but empty rows to the sheet's end
                    break
        book.close()

    return Table(headers=headers, rows=rows(), total=total)


def table_read(stream: IO[bytes], fmt: ImportFormat) -> Table:
    """The heading and rows of a CSV or XLSX file, told apart by their content."""
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("An old Excel file (.xls): save it as .xlsx or CSV first."))
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_table(stream, fmt)
    data = stream.read(settings.TANJAI_IMPORT_MAX_BYTES + 1)
    if len(data) > settings.TANJAI_IMPORT_MAX_BYTES:
        raise ImportFileError(_("The file is too large."))
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("The file is neither CSV nor XLSX."))
    return _csv_table(data, fmt)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # The guard csv_safe puts before a formula-like cell, read back from our own download.
    if text[:1] == "'" and text[1:2] in FORMULA_START:
        text = text[1:]
    return "" if text.casefold() in PLACEHOLDERS else text


def date_parse(value: Any, formats: list[str]) -> datetime | None:
    """A date as the file wrote it, in Bangkok time: a real spreadsheet date, or text in
    one of the format's patterns, with Thai digits, Thai month names and Buddhist-Era
    years understood. Raises ValueError when it cannot be read."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0, 0))
    elif isinstance(value, int | float) and 20000 < value < 80000:
        # An Excel date serial stored as a plain number (days since 1899-12-30).
        from openpyxl.utils.datetime import from_excel

        moment = from_excel(value)
    else:
        text = str(value).translate(THAI_DIGITS).strip()
        if re.fullmatch(r"\d{5}(\.\d+)?", text) and 20000 < float(text) < 80000:
            from openpyxl.utils.datetime import from_excel

            moment = from_excel(float(text))
        else:
            moment = _date_text_parse(text, formats)
    if moment.year > 2400:
        moment = moment.replace(year=moment.year - 543)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _date_text_parse(text: str, formats: list[str]) -> datetime:
    text = _MONTH_WORDS.sub(lambda m: f" {THAI_MONTHS[m.group(0)]} ", text)
    text = text.replace("น.", " ").replace("เวลา", " ")
    text = re.sub(r"\s+", " ", text).strip()
    # Buddhist-Era years become Christian-Era ones before strptime, which would refuse
    # 29/02/2567 (2567 is no leap year, 2024 is).
    text = re.sub(r"(?<!\d)(2[4-6]\d\d)(?!\d)", lambda m: str(int(m.group(1)) - 543), text)
    text = re.sub(r"(\s\d{1,2})\.(\d{2})$", r"\1:\2", text)  # 10.30 for 10:30
    for pattern in formats or []:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(text)
