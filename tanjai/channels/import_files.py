"""Reading the files GCC 1111 and Damrongtham export: CSV (UTF-8 or Thai Windows) or XLSX,
told apart by their content, and their cells as text and dates as those systems write them
(Thai digits, Thai month names, Buddhist-Era years, Excel serial dates)."""

from __future__ import annotations

import csv
import io
import posixpath
import pyexpat
import re
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from functools import cached_property
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

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


class Table:
    """A file's headings, and its rows as they are read (row number in the file, cells)."""

    def __init__(
        self,
        *,
        headers: list[str],
        rows: Iterator[tuple[int, list[Any]]],
        total: int | None = None,
        count: Callable[[], int] | None = None,
    ) -> None:
        self.headers, self.rows = headers, rows
        self._total, self._count = total, count

    @cached_property
    def total(self) -> int | None:
        """How many rows; counting an XLSX's reads it once more, so it is left until the
        headings have been checked, and refuses a file of more than MAX_ROWS rows."""
        return self._count() if self._count else self._total


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

    def records() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            for number, record in enumerate(reader, start=1):
                yield number, record[:MAX_COLUMNS]
        except csv.Error as exc:
            raise ImportFileError(
                _("The CSV file is broken near line %(line)d (%(error)s): a quote left open?")
                % {"line": reader.line_num, "error": exc}
            ) from None

    # A file of rejected rows written by Tanjai has its headings on the first row.
    first = next(records(), (0, []))[1]
    start = 1 if first and first[0] == REJECTED_ROW_HEADING else fmt.header_row
    headers = next((r for n, r in records() if n == start), None)
    if headers is None:
        raise ImportFileError(_("The file has no heading row."))

    # The rows are read as they are imported, not all held at once.
    def body() -> Iterator[tuple[int, list[Any]]]:
        for number, record in records():
            if number > start and any(c.strip() for c in record):
                yield number, list(record)

    def count() -> int:
        counted = 0
        for _row in body():
            counted += 1
            if counted > MAX_ROWS:
                raise _too_many_rows()
        return counted

    return Table(headers=[str(h) for h in headers], rows=body(), count=count)


# What a file may hold. An XLSX is a zip: a file of a few megabytes can unpack to hundreds,
# so each part is measured before it is read, the headings are checked before any row, the
# rows are counted before any is imported, and every part is read a piece at a time.
MAX_ROWS = 50_000
SHARED_STRINGS_MAX_BYTES = 64 * 1024 * 1024  # the text of the cells, kept while importing
PART_MAX_BYTES = 8 * 1024 * 1024  # the workbook, its relationships, its styles
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell
_CHUNK = 256 * 1024
_NOT_XLSX = (zipfile.BadZipFile, zlib.error, pyexpat.ExpatError, KeyError, ValueError, OSError)


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(rows)s rows: split it into files of at most that many.")
        % {"rows": f"{MAX_ROWS:,}"}
    )


def _unreadable() -> ImportFileError:
    return ImportFileError(_("The file is not a readable XLSX workbook."))


class _Xlsx:
    """An XLSX workbook read as a stream of XML events (stdlib expat), never whole: memory
    stays within a chunk, one row, and the shared strings (capped, kept as UTF-8 in one
    buffer). openpyxl, even read-only, takes every shared string into memory first, as one
    Python object each, before a single heading can be checked."""

    def __init__(self, stream: IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(stream)
            self.sizes = {i.filename: i.file_size for i in self.zip.infolist()}
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _unreadable() from exc
        if sum(self.sizes.values()) > settings.TANJAI_IMPORT_MAX_BYTES * 20:
            raise ImportFileError(_("The file is too large."))
        main = next(
            (t for kind, t in self._relations("_rels/.rels", "") if kind == "officeDocument"),
            "xl/workbook.xml",
        )
        self.sheets: dict[str, str] = {}
        self.epoch = CALENDAR_WINDOWS_1900
        relations = dict(self._relations(_rels_of(main), main, by_id=True))
        for tag, attrs in self._starts(main):
            relation = next((v for k, v in attrs.items() if k.endswith("}id")), None)
            if tag == "sheet" and relation in relations:
                self.sheets[attrs.get("name", "")] = relations[relation]
            elif tag == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
        kinds = dict(self._relations(_rels_of(main), main))
        try:
            self.date_styles, self.duration_styles = self._styles(kinds.get("styles"))
        except ValueError as exc:
            raise _unreadable() from exc
        strings = kinds.get("sharedStrings")
        if strings in self.sizes and self.sizes[strings] > SHARED_STRINGS_MAX_BYTES:
            raise ImportFileError(
                _("The file is too large: its text unpacks to more than %(mb)d MB.")
                % {"mb": SHARED_STRINGS_MAX_BYTES // (1024 * 1024)}
            )
        self.strings = _SharedStrings(self._events(strings) if strings in self.sizes else None)

    def _parser(self) -> Any:
        parser = pyexpat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.buffer_size = _CHUNK

        def refuse(*_args: Any) -> None:
            raise _unreadable()

        # A part holds no DTD: one is refused, so no entity can expand.
        parser.StartDoctypeDeclHandler = refuse
        return parser

    def _feed(self, name: str, parser: Any) -> Iterator[None]:
        """Feed one part to `parser` a chunk at a time, pausing after each."""
        try:
            with self.zip.open(name) as part:
                while chunk := part.read(_CHUNK):
                    parser.Parse(chunk, False)
                    yield
                parser.Parse(b"", True)
        except _NOT_XLSX as exc:
            raise _unreadable() from exc
        yield

    def _events(self, name: str, *, text: bool = True) -> Iterator[tuple[str, str, Any]]:
        """("start", tag, attributes), ("text", "", data) and ("end", tag, None) of one part,
        tags without their namespace."""
        events: list[tuple[str, str, Any]] = []
        parser = self._parser()
        parser.StartElementHandler = lambda tag, attrs: events.append(
            ("start", tag.rpartition("}")[2], attrs)
        )
        parser.EndElementHandler = lambda tag: events.append(("end", tag.rpartition("}")[2], None))
        if text:
            parser.CharacterDataHandler = lambda data: events.append(("text", "", data))
        for _pause in self._feed(name, parser):
            yield from events
            events.clear()

    def _starts(self, name: str) -> Iterator[tuple[str, dict[str, str]]]:
        """The elements of a small part (the workbook, relationships, styles)."""
        if name not in self.sizes:
            raise _unreadable()
        if self.sizes[name] > PART_MAX_BYTES:
            raise ImportFileError(_("The file is too large."))
        for event, tag, attrs in self._events(name, text=False):
            if event == "start":
                yield tag, attrs

    def _relations(
        self, name: str, source: str, *, by_id: bool = False
    ) -> Iterator[tuple[str, str]]:
        """(type or id, part name) of each relationship in `name`, targets made absolute."""
        if name not in self.sizes:
            return
        for tag, attrs in self._starts(name):
            if tag == "Relationship" and "Target" in attrs:
                target = attrs["Target"]
                if target.startswith("/"):
                    path = target.lstrip("/")
                else:
                    path = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
                key = attrs.get("Id", "") if by_id else attrs.get("Type", "").rpartition("/")[2]
                yield key, path

    def _styles(self, name: str | None) -> tuple[set[int], set[int]]:
        """Which cell styles show a number as a date (and which as a duration)."""
        if not name or name not in self.sizes:
            return set(), set()
        custom: dict[int, str] = {}
        formats: list[int] = []
        in_cell_formats = False
        for tag, attrs in self._starts(name):
            if tag == "numFmt":
                custom[int(attrs.get("numFmtId", -1))] = attrs.get("formatCode", "")
            elif tag == "cellXfs":
                in_cell_formats = True
            elif tag in ("cellStyles", "dxfs"):
                in_cell_formats = False
            elif tag == "xf" and in_cell_formats:
                formats.append(int(attrs.get("numFmtId", 0)))
        codes = [custom.get(f) or BUILTIN_FORMATS.get(f, "") for f in formats]
        dates = {i for i, code in enumerate(codes) if is_date_format(code)}
        return dates, {i for i in dates if is_timedelta_format(codes[i])}

    def sheet_part(self, title: str) -> str:
        if title:
            if title not in self.sheets:
                raise ImportFileError(
                    _("The workbook has no sheet “%(sheet)s”; it has %(names)s.")
                    % {"sheet": title, "names": ", ".join(self.sheets)}
                )
            return self.sheets[title]
        if not self.sheets:
            raise _unreadable()
        return next(iter(self.sheets.values()))

    def rows(self, name: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells up to MAX_COLUMNS) of each row the sheet writes."""
        try:
            yield from self._rows(name)
        except (ValueError, IndexError, OverflowError) as exc:
            raise _unreadable() from exc

    def _rows(self, name: str) -> Iterator[tuple[int, list[Any]]]:
        row_no, column, cells = 0, 0, dict[int, Any]()
        kind, style, text, size = "n", 0, list[str](), 0
        in_data = in_value = in_inline = in_text = in_phonetic = False
        for event, tag, value in self._events(name):
            if event == "text":
                wanted = in_value or (in_inline and in_text and not in_phonetic)
                if wanted and size < MAX_CELL_CHARS:
                    text.append(value[: MAX_CELL_CHARS - size])
                    size += len(text[-1])
                continue
            opens = event == "start"
            if tag == "v":
                in_value = opens and in_data
            elif tag == "is":
                in_inline = opens
            elif tag == "t":
                in_text = opens
            elif tag == "rPh":  # a reading aid for the text, not the text
                in_phonetic = opens
            elif tag == "c" and in_data:
                if opens:
                    column = _column(value.get("r"), column)
                    kind, style, text, size = value.get("t", "n"), int(value.get("s") or 0), [], 0
                elif column <= MAX_COLUMNS:
                    cell = self._cell(kind, style, "".join(text))
                    if cell is not None:
                        cells[column] = cell
            elif tag == "row" and in_data:
                if opens:
                    row_no = int(value.get("r") or row_no + 1)
                    column, cells = 0, {}
                else:
                    yield row_no, [cells.get(i) for i in range(1, max(cells, default=0) + 1)]
            elif tag == "sheetData":
                if not opens:
                    return
                in_data = True

    def _cell(self, kind: str, style: int, text: str) -> Any:
        """A cell's value as openpyxl gives it (data only): text, a number, a date, a truth."""
        if kind == "inlineStr":
            return text
        if text == "":
            return None
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind in ("str", "e"):
            return text
        if kind == "d":
            try:
                return from_ISO8601(text)
            except ValueError:
                return text
        try:
            number: int | float = float(text) if re.search(r"[.eE]", text) else int(text)
        except ValueError:
            return text
        if style in self.date_styles:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.duration_styles)
            except (OverflowError, ValueError):
                return number
        return number

    def count(self, name: str, after: int) -> int:
        """The rows after the heading that hold a value, counted without reading them;
        refused as soon as there are more than MAX_ROWS."""
        state = {"counted": 0, "row": 0, "filled": True}

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = tag.rpartition("}")[2]
            if local == "row":
                state["row"] = int(attrs.get("r") or state["row"] + 1)
                state["filled"] = False
            elif local in ("v", "is") and not state["filled"]:
                state["filled"] = True
                if state["row"] > after:
                    state["counted"] += 1
                    if state["counted"] > MAX_ROWS:
                        raise _too_many_rows()

        parser = self._parser()
        parser.StartElementHandler = start
        try:
            for _pause in self._feed(name, parser):
                pass
        except ValueError as exc:
            raise _unreadable() from exc
        return state["counted"]


class _SharedStrings:
    """The workbook's shared strings, read only as far as a cell needs them, and kept as
    UTF-8 in one buffer: a Python string for each would take several times their size."""

    def __init__(self, events: Iterator[tuple[str, str, Any]] | None) -> None:
        self._events = events
        self._text = bytearray()
        self._ends = array("Q")

    def __getitem__(self, index: int) -> str:
        while index >= len(self._ends):
            self._read_one()
        start = self._ends[index - 1] if index > 0 else 0
        return self._text[start : self._ends[index]].decode()

    def _read_one(self) -> None:
        if self._events is None:
            raise _unreadable()  # a cell names a string the file does not hold
        text: list[str] = []
        size, in_text, in_phonetic = 0, False, False
        for event, tag, value in self._events:
            if event == "text":
                if in_text and not in_phonetic and size < MAX_CELL_CHARS:
                    text.append(value[: MAX_CELL_CHARS - size])
                    size += len(text[-1])
            elif tag == "t":
                in_text = event == "start"
            elif tag == "rPh":  # a reading aid for the text, not the text
                in_phonetic = event == "start"
            elif tag == "si" and event == "end":
                self._text += "".join(text).encode()
                self._ends.append(len(self._text))
                return
        self._events = None
        raise _unreadable()


def _rels_of(part: str) -> str:
    folder, _slash, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _column(reference: str | None, previous: int) -> int:
    """The column number of a cell reference ("AB12" is 28), or the next one without it."""
    letters = re.match(r"[A-Z]{1,3}", reference or "")
    return column_index_from_string(letters.group(0)) if letters else previous + 1


def _xlsx_table(stream: IO[bytes], fmt: ImportFormat) -> Table:
    book = _Xlsx(stream)
    sheet = book.sheet_part(fmt.sheet)
    start = fmt.header_row
    # The heading first, reading only as many shared strings as it names: a file that is
    # not this format's is refused before its rows are touched.
    headers: list[str] | None = None
    for number, cells in book.rows(sheet):
        if number >= start:
            headers = ["" if h is None else str(h) for h in cells] if number == start else []
            break
    if headers is None:
        raise ImportFileError(_("The file has no heading row."))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        blank = 0
        for number, cells in book.rows(sheet):
            if number <= start:
                continue
            if any(c is not None and str(c).strip() for c in cells):
                blank = 0
                yield number, cells
            else:
                blank += 1
                if blank >= MAX_BLANK_ROWS:  # formatted but empty rows to the sheet's end
                    break

    return Table(headers=headers, rows=rows(), count=lambda: book.count(sheet, start))


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
