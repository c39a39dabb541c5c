"""Writes to the organisation: regions, branches and their centres."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from tanjai.organisation.models import Branch, Region, Unit, UnitKind
from tanjai.organisation.signals import branch_moved

DATA_DIR = Path(__file__).resolve().parent / "data"
BRANCH_COLUMNS = ("code", "name_th", "name_en", "region")
BRANCH_OPTIONAL_COLUMNS = ("special", "province_th", "province_en", "lat", "lon")


def region_upsert(*, number: int, name_th: str, name_en: str = "", **extra: object) -> Region:
    region, _ = Region.objects.update_or_create(
        number=number, defaults={"name_th": name_th, "name_en": name_en, **extra}
    )
    return region


def branch_centre_ensure(*, branch: Branch) -> Unit:
    """Every branch has its Prapa Tanjai centre; create it, or keep its name in step."""
    centre, _ = Unit.objects.update_or_create(
        branch=branch,
        kind=UnitKind.CENTRE,
        defaults={
            "code": f"{branch.code}-centre",
            "region": branch.region,
            "name_th": f"ศูนย์ประปาทันใจ {branch.name_th}",
            "name_en": f"Prapa Tanjai centre, {branch.name_en}" if branch.name_en else "",
        },
    )
    return centre


def branch_region_sync(*, branch: Branch) -> None:
    """A branch moved to another region takes its centre along, and tells those who keep
    the region beside the branch (complaints, reports) to bring theirs, so that scopes,
    region reports and escalations follow the new region."""
    Unit.objects.filter(branch=branch).update(region=branch.region)
    branch_moved.send(sender=Branch, branch=branch)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "y", "พ", "x"}


def _parse_coordinate(value: str, low: float, high: float, name: str) -> float | None:
    if not value.strip():
        return None
    number = float(value)
    if not low <= number <= high:
        raise ValueError(f"{name} {number} is outside {low}..{high}")
    return number


def branches_import(*, text: str) -> ImportReport:
    """Load branches from CSV (code, name_th, name_en, region[, special, province_th, …]).

    The whole file is validated first; nothing is written unless every row is valid,
    so a bad file never leaves half a list behind. Running it twice changes nothing.
    """
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in BRANCH_COLUMNS if c not in header]
    if missing:
        report.errors.append(f"missing columns: {', '.join(missing)}")
        return report
    regions = {r.number: r for r in Region.objects.all()}
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for line_no, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        problems = []
        code = row["code"].lower()
        if not code or slugify(code) != code or len(code) > 24:
            problems.append(
                f"code {row['code']!r} must be a lowercase slug of at most 24 characters"
            )
        elif code in seen:
            problems.append(f"code {code!r} repeats line {seen[code]}")
        if not row["name_th"]:
            problems.append("name_th is empty")
        try:
            region = regions[int(row["region"])]
        except (ValueError, KeyError):
            problems.append(f"region {row['region']!r} is not a region number 1-10")
            region = None
        try:
            lat = _parse_coordinate(row.get("lat", ""), 5.0, 21.0, "lat")
            lon = _parse_coordinate(row.get("lon", ""), 97.0, 106.0, "lon")
        except ValueError as exc:
            problems.append(str(exc))
            lat = lon = None
        if problems:
            report.errors.append(f"line {line_no}: " + "; ".join(problems))
            continue
        seen[code] = line_no
        rows.append(
            {
                "code": code,
                "name_th": row["name_th"],
                "name_en": row.get("name_en", ""),
                "region": region,
                "special": _parse_bool(row.get("special", "")),
                "province_th": row.get("province_th", ""),
                "province_en": row.get("province_en", ""),
                "lat": lat,
                "lon": lon,
            }
        )
    if report.errors:
        return report
    with transaction.atomic():
        existing = {b.code: b for b in Branch.objects.filter(code__in=[r["code"] for r in rows])}
        for values in rows:
            branch = existing.get(values["code"])
            if branch is None:
                branch = Branch.objects.create(**values)
                report.created += 1
            else:
                changed = [k for k, v in values.items() if getattr(branch, k) != v]
                if changed:
                    for key in changed:
                        setattr(branch, key, values[key])
                    branch.save(update_fields=changed)
                    if "region" in changed:
                        branch_region_sync(branch=branch)
                    report.updated += 1
                else:
                    report.unchanged += 1
            branch_centre_ensure(branch=branch)
    return report


def regions_seed() -> None:
    with (DATA_DIR / "regions.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            region_upsert(
                number=int(row["number"]),
                name_th=row["name_th"],
                name_en=row["name_en"],
                seat_province_th=row["seat_province_th"],
                seat_province_en=row["seat_province_en"],
                group=int(row["group"]) if row.get("group") else None,
            )


def organisation_seed() -> ImportReport:
    """The 10 regions and the bundled branch list (idempotent)."""
    regions_seed()
    report = branches_import(text=(DATA_DIR / "branches.csv").read_text(encoding="utf-8"))
    if not report.ok:
        raise ValueError("bundled branches.csv is invalid: " + "; ".join(report.errors))
    return report
