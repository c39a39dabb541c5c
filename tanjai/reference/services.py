"""Seeding reference data. Seeding only adds what is missing: an administrator's edits in
the admin are never overwritten by a restart."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from tanjai.organisation.models import Region, Unit, UnitKind
from tanjai.reference.models import Category, Channel, Subcategory
from tanjai.sla.models import CalendarDay, CalendarSettings, SlaPolicy

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
        SlaPolicy.objects.get_or_create(
            category=category,
            subcategory=None,
            defaults={
                "inform_amount": cat["inform"]["amount"],
                "inform_unit": cat["inform"]["unit"],
                "resolve_amount": cat["resolve"]["amount"],
                "resolve_unit": cat["resolve"]["unit"],
            },
        )
        for sub_order, sub in enumerate(cat["subcategories"], start=1):
            subcategory, _ = Subcategory.objects.get_or_create(
                code=sub["code"],
                defaults={
                    "category": category,
                    "name_th": sub["name_th"],
                    "name_en": sub["name_en"],
                    "order": sub_order,
                },
            )
            if "resolve" in sub:
                SlaPolicy.objects.get_or_create(
                    subcategory=subcategory,
                    defaults={
                        "category": category,
                        "inform_amount": cat["inform"]["amount"],
                        "inform_unit": cat["inform"]["unit"],
                        "resolve_amount": sub["resolve"]["amount"],
                        "resolve_unit": sub["resolve"]["unit"],
                    },
                )
    if not CalendarSettings.objects.exists():
        CalendarSettings.objects.create()
    for day in data.get("pwa_days_off", []):
        CalendarDay.objects.get_or_create(
            date=day["date"],
            defaults={"name_th": day["name_th"], "name_en": day.get("name_en", "")},
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


def all_seed() -> None:
    """Roles, organisation and reference data: safe to run on every start."""
    from tanjai.accounts.services import roles_seed
    from tanjai.channels.import_defaults import import_formats_seed
    from tanjai.notifications.defaults import notice_templates_seed
    from tanjai.organisation.services import organisation_seed
    from tanjai.reports.submissions import deadlines_seed

    roles_seed()
    organisation_seed()
    reference_seed()
    notice_templates_seed()
    import_formats_seed()
    deadlines_seed()
