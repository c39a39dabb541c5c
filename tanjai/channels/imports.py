"""Cases from GCC 1111 and Damrongtham (channels `gcc1111`, `damrongtham`), imported from the
CSV or XLSX files those systems export. An `ImportFormat` says how a file reads, so a
changed export is edited in the admin, not in code.

Every row is checked on its own and registered through `complaint_register`, keyed by the
outside system's case number: importing the same file twice adds nothing, and the case
number stays on the complaint for answering back. A rejected row is kept with its reasons
and its values, to be corrected and imported again."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.accounts.scope import Actor
from tanjai.channels.import_files import (
    PLACEHOLDERS,
    REJECTED_ROW_HEADING,
    ImportFileError,
    cell_text,
    date_parse,
    heading_normalise,
    table_read,
)
from tanjai.channels.models import ImportBatch, ImportFormat, ImportRow, ImportStatus, RowOutcome
from tanjai.complaints.errors import WorkflowError
from tanjai.core.text import THAI_DIGITS, csv_safe, mask_personal_text
from tanjai.intake.services import complaint_register
from tanjai.organisation.models import Branch

FIELDS = [
    "external_ref",
    "received_at",
    "title",
    "description",
    "category",
    "customer_name",
    "customer_phone",
    "customer_email",
    "address",
    "subdistrict",
    "district",
    "province",
    "branch",
    "lat",
    "lon",
]
HEARTBEAT_ROWS = 25
# An import whose last row is older than this is taken as stopped (the worker died).
STALLED_AFTER = timedelta(minutes=5)
LIMITS = {"description": 5000, "customer_name": 200, "address": 1000}
# Where a rejected row's error belongs, in the words of the file.
FIELD_LABELS = {
    "external_ref": "เลขที่เรื่อง",
    "customer_name": "ชื่อผู้ร้อง",
    "address": "ที่อยู่",
    "received_at": "วันที่รับเรื่อง",
    "description": "รายละเอียด",
    "category": "ประเภทเรื่อง",
    "subcategory": "ประเภทเรื่อง",
    "customer.name": "ชื่อผู้ร้อง",
    "customer.phone": "เบอร์โทรศัพท์",
    "customer.alt_phone": "เบอร์โทรศัพท์",
    "customer.email": "อีเมล",
    "location.address": "ที่อยู่",
    "location.province": "จังหวัด",
    "location.district": "อำเภอ",
    "location.lat": "ละติจูด",
    "location.lon": "ลองจิจูด",
    "location": "พิกัด",
    "branch": "หน่วยงาน",
}


def columns_find(headers: list[str], fmt: ImportFormat) -> dict[str, int]:
    """Which column holds each field; a file without the case number or any description
    cannot be imported at all."""
    found = {heading_normalise(h): i for i, h in reversed(list(enumerate(headers)))}
    columns: dict[str, int] = {}
    for name, headings in (fmt.columns or {}).items():
        for heading in headings if isinstance(headings, list) else [headings]:
            index = found.get(heading_normalise(heading))
            if index is not None and index not in columns.values():
                columns[name] = index
                break
    missing = [f for f in ("external_ref",) if f not in columns]
    if "title" not in columns and "description" not in columns:
        missing.append("description")
    if missing:
        wanted = "; ".join(
            f"{FIELD_LABELS.get(f, f)} ({', '.join(fmt.columns.get(f, []))})" for f in missing
        )
        raise ImportFileError(
            _("Columns not found: %(wanted)s. The file's headings are: %(found)s.")
            % {"wanted": wanted, "found": ", ".join(h for h in headers if h) or "-"}
        )
    return columns


def _phones(value: Any) -> tuple[str, str]:
    """The first two numbers in a phone cell; a spreadsheet that stored one as a number
    has lost its leading 0."""
    text = re.sub(r"\s*(ต่อ|ext\.?|#)\s*\d{1,5}\b", "", cell_text(value), flags=re.IGNORECASE)
    parts = [p.strip() for p in re.split(r"[,;/]|\s+หรือ\s+|\s{2,}", text) if p.strip()]
    parts = [p for p in parts if p.casefold() not in PLACEHOLDERS]
    fixed = []
    for part in parts[:2]:
        digits = re.sub(r"\D", "", part.translate(THAI_DIGITS))
        if re.fullmatch(r"[1-9]\d{7,8}", digits) and not part.lstrip().startswith("+"):
            part = "0" + digits
        fixed.append(part)
    first, second, *_rest = [*fixed, "", ""]
    return first, second


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    text = text.strip()
    for prefix in prefixes:
        if text.startswith(prefix):
            return text[len(prefix) :].strip()
    return text


_BRANCH_PREFIXES = (
    "การประปาส่วนภูมิภาคสาขา",
    "การประปาส่วนภูมิภาค",
    "กปภ.สาขา",
    "กปภ. สาขา",
    "กปภ.",
    "กปภ",
    "สาขา",
    "PWA ",
)
_PROVINCE_PREFIXES = ("จังหวัด", "จ.")
_DISTRICT_PREFIXES = ("อำเภอ", "อ.", "เขต")


class BranchIndex:
    """The active branches, read once per file: by code, by name without its prefix, by
    province."""

    def __init__(self) -> None:
        self.by_key: dict[str, str] = {}
        self.by_province: dict[str, list[tuple[str, str]]] = {}
        for code, name_th, name_en, province in Branch.objects.filter(active=True).values_list(
            "code", "name_th", "name_en", "province_th"
        ):
            self.by_key[code.casefold()] = code
            core = _strip_prefix(name_th, _BRANCH_PREFIXES)
            self.by_key[core.casefold()] = code
            self.by_key[name_th.casefold()] = code
            self.by_key[name_en.removesuffix(" Branch").removeprefix("PWA ").casefold()] = code
            self.by_province.setdefault(province, []).append((core, code))

    def find(self, *, named: str, district: str, province: str) -> str | None:
        if named:
            key = _strip_prefix(named, _BRANCH_PREFIXES).casefold()
            found = self.by_key.get(key) or self.by_key.get(named.strip().casefold())
            if found:
                return found
            # "PWA" itself, or a name we do not know: the place decides.
        branches = self.by_province.get(province, [])
        for core, code in branches:
            if district and core == district:
                return code
        for core, code in sorted(branches, key=lambda b: b[1]):
            if core == province:
                return code
        return branches[0][1] if branches else None


def category_find(texts: list[str], fmt: ImportFormat) -> tuple[str, str | None] | None:
    for text in texts:
        if not text:
            continue
        for word, target in fmt.category_words or []:
            if word and word in text:
                category, _slash, sub = str(target).partition("/")
                return category, sub or None
    if fmt.default_category:
        category, _slash, sub = fmt.default_category.partition("/")
        return category, sub or None
    return None


@dataclass
class RowRead:
    data: dict[str, Any]
    reasons: list[str] = field(default_factory=list)


def row_read(
    cells: list[Any], columns: dict[str, int], fmt: ImportFormat, branches: BranchIndex
) -> RowRead:
    """One row as `complaint_register` takes it, or the reasons it cannot be."""

    def raw(name: str) -> Any:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def text(name: str) -> str:
        return cell_text(raw(name))

    reasons: list[str] = []
    ref = text("external_ref")
    if not ref:
        reasons.append(_("%(field)s: empty.") % {"field": FIELD_LABELS["external_ref"]})
    elif len(ref) > 64:
        reasons.append(_("%(field)s: too long.") % {"field": FIELD_LABELS["external_ref"]})
    received_at = None
    try:
        received_at = date_parse(raw("received_at"), fmt.date_formats)
        if received_at is None:
            reasons.append(_("%(field)s: empty.") % {"field": FIELD_LABELS["received_at"]})
    except (ValueError, OverflowError):
        reasons.append(
            _("%(field)s: “%(value)s” is not a date this format reads.")
            % {"field": FIELD_LABELS["received_at"], "value": text("received_at")}
        )
    title, body = text("title"), text("description")
    description = "\n".join(p for p in (title, body if body != title else "") if p)
    if not description:
        reasons.append(_("%(field)s: empty.") % {"field": FIELD_LABELS["description"]})
    address = " ".join(p for p in (text("address"), text("subdistrict")) if p)
    for name, value in (
        ("description", description),
        ("customer_name", text("customer_name")),
        ("address", address),
    ):
        if len(value) > LIMITS[name]:
            reasons.append(
                _("%(field)s: %(n)d characters, at most %(limit)d.")
                % {"field": FIELD_LABELS[name], "n": len(value), "limit": LIMITS[name]}
            )
    found = category_find([text("category"), title, body], fmt)
    if found is None:
        reasons.append(
            _("%(field)s: no category for “%(value)s”.")
            % {"field": FIELD_LABELS["category"], "value": text("category") or title}
        )
    province = _strip_prefix(text("province"), _PROVINCE_PREFIXES)
    district = _strip_prefix(text("district"), _DISTRICT_PREFIXES)
    named = text("branch")
    branch = branches.find(named=named, district=district, province=province)
    lat, lon = text("lat"), text("lon")
    location: dict[str, Any] = {
        "address": address,
        "district": district[:200],
        "province": province[:200],
    }
    if lat and lon:
        try:
            location["lat"], location["lon"] = float(lat), float(lon)
        except ValueError:
            reasons.append(_("The latitude and longitude are not numbers."))
    if named and branch is None:
        reasons.append(
            _("%(field)s: no branch “%(value)s”.")
            % {"field": FIELD_LABELS["branch"], "value": named}
        )
    elif branch is None and "lat" not in location:
        branch = fmt.default_branch or None
        if branch is None:
            reasons.append(_("The place names no province with a PWA branch."))
    phone, alt_phone = _phones(raw("customer_phone"))
    customer = {
        "name": text("customer_name"),
        "phone": phone,
        "alt_phone": alt_phone,
        "email": text("customer_email"),
    }
    data: dict[str, Any] = {
        "channel": fmt.channel.code,
        "category": found[0] if found else "",
        "subcategory": found[1] if found else None,
        "description": description,
        "branch": branch,
        "customer": customer,
        "anonymous": not any(customer.values()),
        "location": location,
        "external_ref": ref,
        "received_at": received_at,
    }
    return RowRead(data=data, reasons=reasons)


def refusal_reasons(exc: WorkflowError) -> list[str]:
    if not exc.errors:
        return [exc.message]
    return [
        f"{FIELD_LABELS.get(name, name)}: {message}" if name != "__all__" else message
        for name, messages in exc.errors.items()
        for message in messages
    ]


@dataclass
class Progress:
    done: int = 0
    total: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


def import_counts(batch: ImportBatch) -> dict[str, int]:
    counts = {o.value: 0 for o in RowOutcome}
    for row in batch.rows.values("outcome").annotate(n=Count("id")):
        counts[row["outcome"]] = row["n"]
    return counts


def import_claim(batch: ImportBatch) -> bool:
    """Take the batch for this run: a waiting one, or one whose run has stopped. Two
    workers given the same batch (a double click on "continue") do not both import it."""
    now = timezone.now()
    waiting = Q(status=ImportStatus.QUEUED)
    stopped = Q(status=ImportStatus.RUNNING) & (
        Q(heartbeat_at__lt=now - STALLED_AFTER) | Q(heartbeat_at__isnull=True)
    )
    return bool(
        ImportBatch.objects.filter(waiting | stopped, pk=batch.pk).update(
            status=ImportStatus.RUNNING, started_at=batch.started_at or now, heartbeat_at=now
        )
    )


def import_process(
    batch: ImportBatch,
    *,
    actor: Actor,
    on_progress: Callable[[Progress], None] | None = None,
    every: int | None = None,
) -> dict[str, int]:
    """Import the batch's file row by row, telling `on_progress` every `every` rows (by
    default every tenth of the file). Each row's outcome is written in the same
    transaction as its complaint, so a run stopped half-way continues where it stopped."""

    if not import_claim(batch):
        return import_counts(batch)
    fmt = batch.format
    try:
        with batch.file.open("rb") as stream:
            table = table_read(stream, fmt)
            columns = columns_find(table.headers, fmt)
            ImportBatch.objects.filter(pk=batch.pk).update(total_rows=table.total)
            done_rows = set(batch.rows.values_list("row_no", flat=True))
            branches = BranchIndex()
            kept = _kept_columns(table.headers, columns)
            progress = Progress(done=len(done_rows), total=table.total, counts=import_counts(batch))
            every = every or max(1, (table.total or 5000) // 10)
            for row_no, cells in table.rows:
                if row_no in done_rows:
                    continue
                read = row_read(cells, columns, fmt, branches)
                outcome = _row_import(batch, row_no, cells, kept, read, actor, complaint_register)
                progress.done += 1
                progress.counts[outcome] = progress.counts.get(outcome, 0) + 1
                if progress.done % HEARTBEAT_ROWS == 0:
                    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now())
                if on_progress and progress.done % every == 0:
                    on_progress(progress)
    except ImportFileError as exc:
        _failed(batch, str(exc))
        raise
    except Exception:
        # A defect, not the file: say so on the page instead of "importing" forever.
        _failed(batch, _("The import stopped on an unexpected error; it is logged."))
        raise
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        total_rows=batch.rows.count(),
    )
    if on_progress:
        progress.total = progress.done
        on_progress(progress)
    _file_forget(batch)
    return import_counts(batch)


def _failed(batch: ImportBatch, error: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.FAILED, error=error, finished_at=timezone.now()
    )
    _file_forget(batch)


def _file_forget(batch: ImportBatch) -> None:
    """The file holds personal data: once its rows are complaints or rejected rows (or it
    cannot be read at all), it is not kept."""
    if batch.file:
        batch.file.delete(save=False)
    ImportBatch.objects.filter(pk=batch.pk).update(file="")


def _kept_columns(headers: list[str], columns: dict[str, int]) -> list[tuple[int, str]]:
    """The columns a rejected row keeps: those the format reads, under their own headings
    (made unique). Other columns of the file, which may hold anything, are not kept."""
    kept: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index in sorted(set(columns.values())):
        heading = (headers[index] if index < len(headers) else "") or f"column {index + 1}"
        name, n = heading, 1
        while name in seen:
            n += 1
            name = f"{heading} ({n})"
        seen.add(name)
        kept.append((index, name))
    return kept


def _row_import(
    batch: ImportBatch,
    row_no: int,
    cells: list[Any],
    kept: list[tuple[int, str]],
    read: RowRead,
    actor: Actor,
    register: Callable[..., Any],
) -> str:
    ref = read.data["external_ref"][:64]
    with transaction.atomic():
        reasons = read.reasons
        complaint, created = None, False
        if not reasons:
            try:
                complaint, created = register(actor=actor, data=read.data)
            except WorkflowError as exc:
                reasons = refusal_reasons(exc)
        if reasons:
            values = {name: cell_text(cells[i]) if i < len(cells) else "" for i, name in kept}
            ImportRow.objects.create(
                batch=batch,
                row_no=row_no,
                external_ref=ref,
                outcome=RowOutcome.REJECTED,
                reasons=reasons,
                values=values,
            )
            return RowOutcome.REJECTED
        outcome = RowOutcome.CREATED if created else RowOutcome.EXISTING
        ImportRow.objects.create(
            batch=batch, row_no=row_no, external_ref=ref, outcome=outcome, complaint=complaint
        )
        return outcome


def rejected_csv(batch: ImportBatch, out: IO[str]) -> int:
    """The rejected rows in the file's own columns, with the reasons beside them: correct
    them and import the file again."""
    rows = list(batch.rows.filter(outcome=RowOutcome.REJECTED).order_by("row_no"))
    headers: list[str] = []
    for row in rows:
        for key in row.values:
            if key not in headers:
                headers.append(key)
    writer = csv.writer(out)
    writer.writerow([REJECTED_ROW_HEADING, *(csv_safe(h) for h in headers), "เหตุที่ไม่รับ (reasons)"])
    for row in rows:
        writer.writerow(
            [
                row.row_no,
                *(csv_safe(str(row.values.get(h, ""))) for h in headers),
                csv_safe(" | ".join(row.reasons)),
            ]
        )
    return len(rows)


# Rejected rows keep what the file said (names, phone numbers) only this long.
REJECTED_KEPT = timedelta(days=90)


def imports_prune(*, now: datetime | None = None) -> int:
    """Blank the values of rejected rows of imports finished over 90 days ago: the reasons
    and case numbers stay, the personal data goes."""

    cutoff = (now or timezone.now()) - REJECTED_KEPT
    rows = ImportRow.objects.filter(
        batch__finished_at__lt=cutoff, outcome=RowOutcome.REJECTED
    ).exclude(values={})
    done = 0
    for row in rows.iterator(chunk_size=500):
        # The reasons may quote the values ("no category for “…”"): masked with them.
        names = [str(v) for v in row.values.values() if v]
        row.reasons = [mask_personal_text(str(r), names=names) for r in row.reasons]
        row.values = {}
        row.save(update_fields=["values", "reasons"])
        done += 1
    return done
