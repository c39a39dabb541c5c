"""The import formats Tanjai starts with: the columns of the GCC 1111 and Damrongtham
exports as PWA receives them. Seeding adds the missing ones and never overwrites an edited
one; when an export changes, an administrator edits the format in the admin."""

from __future__ import annotations

from typing import Any

DATE_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d %m %Y %H:%M",
    "%d %m %Y",
]

# Looked for in order; the first that appears wins. Specific words before general ones.
CATEGORY_WORDS = [
    ["ท่อเมนแตก", "leak/main_burst"],
    ["ท่อแตก", "leak/main_burst"],
    ["มาตรรั่ว", "leak/meter_leak"],
    ["ประตูน้ำ", "leak/valve_leak"],
    ["หัวดับเพลิง", "leak/hydrant_leak"],
    ["ท่อรั่ว", "leak/service_pipe_leak"],
    ["น้ำรั่ว", "leak/service_pipe_leak"],
    ["ไม่คืนสภาพ", "construction_other/road_not_restored"],
    ["คืนสภาพ", "construction_other/road_not_restored"],
    ["ขุดถนน", "construction_other/road_not_restored"],
    ["ขยายเขต", "construction_other/service_extension_request"],
    ["ทรัพย์สินเสียหาย", "construction_other/property_damage"],
    ["กีดขวาง", "construction_other/unsafe_worksite"],
    ["หยุดจ่ายน้ำ", "supply/unannounced_shutoff"],
    ["ไหลอ่อน", "supply/low_pressure"],
    ["ไหลเบา", "supply/low_pressure"],
    ["ไหลไม่สม่ำเสมอ", "supply/intermittent_supply"],
    ["ไหลเป็นบางเวลา", "supply/intermittent_supply"],
    ["อากาศในท่อ", "supply/air_in_pipe"],
    ["ไม่ไหล", "supply/no_water"],
    ["ไม่มีน้ำ", "supply/no_water"],
    ["น้ำขุ่น", "quality/turbid"],
    ["น้ำแดง", "quality/red_water"],
    ["สนิม", "quality/red_water"],
    ["กลิ่น", "quality/smell"],
    ["ตะกอน", "quality/sediment"],
    ["กร่อย", "quality/salty_taste"],
    ["เค็ม", "quality/salty_taste"],
    ["คุณภาพน้ำ", "quality"],
    ["ทุจริต", "service_conduct/misconduct"],
    ["ไม่สุภาพ", "service_conduct/rude_staff"],
    ["ไม่ติดต่อกลับ", "service_conduct/no_callback"],
    ["ขอติดตั้ง", "service_conduct/new_connection_delay"],
    ["ล่าช้า", "service_conduct/slow_service"],
    ["พนักงาน", "service_conduct"],
    ["ไม่ได้รับใบแจ้ง", "billing_meter/bill_not_received"],
    ["ชำระแล้ว", "billing_meter/payment_not_recorded"],
    ["จดมาตรผิด", "billing_meter/meter_misread"],
    ["จดเลขผิด", "billing_meter/meter_misread"],
    ["มาตรชำรุด", "billing_meter/meter_broken"],
    ["มาตรไม่หมุน", "billing_meter/meter_broken"],
    ["ค่าน้ำ", "billing_meter/high_bill"],
    ["มาตร", "billing_meter"],
    ["รั่ว", "leak"],
]

FORMATS: list[dict[str, Any]] = [
    {
        "code": "gcc1111",
        "name": "ศูนย์บริการประชาชน 1111 (GCC 1111)",
        "channel": "gcc1111",
        "columns": {
            "external_ref": ["เลขที่เรื่อง", "เลขที่รับเรื่อง", "Case No", "Case Number"],
            "received_at": ["วันที่รับเรื่อง", "วันที่ร้องเรียน", "วันที่", "Received", "Date"],
            "title": ["ชื่อเรื่อง", "เรื่อง", "Subject"],
            "description": ["รายละเอียด", "รายละเอียดเรื่อง", "Details", "Description"],
            "category": ["ประเภทเรื่อง", "ประเด็น", "Category"],
            "customer_name": ["ชื่อ-นามสกุลผู้ร้อง", "ชื่อผู้ร้อง", "ผู้ร้อง", "Name"],
            "customer_phone": ["เบอร์โทรศัพท์", "โทรศัพท์", "เบอร์ติดต่อ", "Phone"],
            "customer_email": ["อีเมล", "E-mail", "Email"],
            "address": ["ที่อยู่", "สถานที่เกิดเหตุ", "Address"],
            "subdistrict": ["ตำบล", "ตำบล/แขวง", "Subdistrict"],
            "district": ["อำเภอ", "อำเภอ/เขต", "District"],
            "province": ["จังหวัด", "Province"],
            "branch": ["หน่วยงานที่รับผิดชอบ", "หน่วยงาน", "Branch"],
            "lat": ["ละติจูด", "Latitude", "lat"],
            "lon": ["ลองจิจูด", "Longitude", "lon", "lng"],
        },
    },
    {
        "code": "damrongtham",
        "name": "ศูนย์ดำรงธรรม",
        "channel": "damrongtham",
        "columns": {
            "external_ref": ["เลขที่รับ", "เลขรับเรื่อง", "เลขที่หนังสือ", "เลขที่เรื่อง", "Case No"],
            "received_at": ["วันที่รับ", "วันที่รับเรื่อง", "ลงวันที่", "วันที่", "Received", "Date"],
            "title": ["เรื่อง", "ชื่อเรื่อง", "Subject"],
            "description": ["ข้อร้องเรียน", "รายละเอียด", "สรุปเรื่อง", "Details", "Description"],
            "category": ["ประเภท", "ประเภทเรื่อง", "Category"],
            "customer_name": ["ผู้ร้องเรียน", "ผู้ร้อง", "ชื่อผู้ร้อง", "Name"],
            "customer_phone": ["โทรศัพท์", "เบอร์โทร", "เบอร์ติดต่อ", "Phone"],
            "customer_email": ["อีเมล", "E-mail", "Email"],
            "address": ["สถานที่เกิดเหตุ", "ที่อยู่ผู้ร้อง", "ที่อยู่", "Address"],
            "subdistrict": ["ตำบล", "Subdistrict"],
            "district": ["อำเภอ", "District"],
            "province": ["จังหวัด", "Province"],
            "branch": ["หน่วยงานที่รับผิดชอบ", "ส่งเรื่องถึง", "Branch"],
            "lat": ["ละติจูด", "Latitude"],
            "lon": ["ลองจิจูด", "Longitude"],
        },
    },
]


def import_formats_seed(format_model: Any = None, channel_model: Any = None) -> None:
    if format_model is None:
        # The current models, unless a migration passes its own (historical) ones.
        from tanjai.channels.models import ImportFormat as format_model
        from tanjai.reference.models import Channel as channel_model
    for spec in FORMATS:
        channel = channel_model.objects.filter(code=spec["channel"]).first()
        if channel is None:
            continue
        format_model.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "channel": channel,
                "columns": spec["columns"],
                "date_formats": DATE_FORMATS,
                "category_words": CATEGORY_WORDS,
                "default_category": "construction_other/other",
            },
        )
