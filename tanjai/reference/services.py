"""Seeding reference data. Seeding only adds what is missing: an administrator's edits in
the admin are never overwritten by a restart."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from tanjai.organisation.models import Region, Unit, UnitKind
from tanjai.reference.models import Category, Channel, Subcategory

DATA = Path(__file__).resolve().parent / "data" / "reference.json"


def reference_data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@transaction.atomic
def reference_seed() -> None:
    data = reference_data()
    for order, ch in enumerate(data["channels"], start=1):
        Channel.objects.get_or_create(
            code=ch["code"],
            defaults={"name_th": ch["name_th"], "name_en": ch["name_en"], "order": order},
        )
    for order, cat in enumerate(data["categories"], start=1):
        category, _ = Category.objects.get_or_create(
            code=cat["code"],
            defaults={
                "name_th": cat["name_th"],
                "name_en": cat["name_en"],
                "order": order,
                "restricted_identity": cat.get("restricted_identity", False),
            },
        )
        for sub_order, sub in enumerate(cat["subcategories"], start=1):
            Subcategory.objects.get_or_create(
                code=sub["code"],
                defaults={
                    "category": category,
                    "name_th": sub["name_th"],
                    "name_en": sub["name_en"],
                    "order": sub_order,
                },
            )
    for unit in data.get("hq_units", []):
        Unit.objects.get_or_create(
            code=unit["code"],
            defaults={
                "kind": UnitKind.HQ_DEPARTMENT,
                "name_th": unit["name_th"],
                "name_en": unit["name_en"],
            },
        )
    for region in Region.objects.all():
        for kind, th, en in (
            (UnitKind.REGION_ENGINEERING, "งานวิศวกรรม", "Engineering unit"),
            (UnitKind.REGION_WATER_QUALITY, "งานคุณภาพน้ำ", "Water-quality unit"),
        ):
            Unit.objects.get_or_create(
                code=f"r{region.number}-{kind.replace('region_', '').replace('_', '-')}",
                defaults={
                    "kind": kind,
                    "region": region,
                    "name_th": f"{th} กปภ.เขต {region.number}",
                    "name_en": f"{en}, PWA Region {region.number}",
                },
            )
