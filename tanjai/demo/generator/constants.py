"""What the demo data looks like: time units, weights, shares and the texts of notes."""

from __future__ import annotations

from datetime import timedelta

from tanjai.sla import clock

BANGKOK = clock.BANGKOK
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# How far apart two passes of the SLA watcher are (settings.SLA_WATCH_INTERVAL by default).
WATCH_EVERY_SECONDS = 60
WATCH_LATENCY_SECONDS = 1

# --- what the demo data looks like -------------------------------------------------------

CHANNEL_WEIGHTS = {
    "cc1662": 30,
    "line": 20,
    "phone": 14,
    "facebook": 7,
    "walk_in": 6,
    "website": 5,
    "gcc1111": 4,
    "email": 3,
    "damrongtham": 3,
    "letter": 2,
    "media": 1,
}
CATEGORY_WEIGHTS = {
    "supply": 30,
    "leak": 24,
    "billing_meter": 18,
    "quality": 12,
    "construction_other": 9,
    "service_conduct": 7,
}
# Heavier subcategories inside their category (others weigh 1).
SUBCATEGORY_WEIGHTS = {
    "no_water": 4,
    "low_pressure": 2.5,
    "main_burst": 2,
    "service_pipe_leak": 3,
    "meter_leak": 2,
    "turbid": 2.5,
    "red_water": 1.5,
    "high_bill": 3,
    "meter_broken": 1.5,
    "slow_service": 2,
    "road_not_restored": 2.5,
    "other": 1.5,
}
URGENT_SUBCATEGORIES = {"main_burst", "hydrant_leak", "unsafe_worksite"}
HIGH_SUBCATEGORIES = {"no_water", "unannounced_shutoff", "red_water", "smell", "misconduct"}
LOW_SUBCATEGORIES = {"other", "service_extension_request", "bill_not_received"}
# Share of closings within the resolve target, by category (the rest breach it).
RESOLVE_MET = {
    "supply": 0.84,
    "leak": 0.82,
    "quality": 0.86,
    "billing_meter": 0.9,
    "service_conduct": 0.88,
    "construction_other": 0.85,
}
INFORM_MET = 0.92
# Share of complaints that get stuck half-way and stay open (the overdue backlog).
STALLED = 0.012
ANONYMOUS = 0.05
ANONYMOUS_RESTRICTED = 0.35
SATISFACTION_WEIGHTS = {5: 45, 4: 30, 3: 13, 2: 7, 1: 5}
# Channels whose registrations arrive through an integration rather than an officer.
INTEGRATION_CHANNELS = {"line", "website", "email", "facebook"}
EXTERNAL_REF_PREFIX = {"gcc1111": "GCC", "damrongtham": "DRT", "media": "MED"}
CONTACT_BY_CHANNEL = {"line": "line", "email": "email", "letter": "letter", "walk_in": "in_person"}
# Hours of the day (Bangkok) when complaints come in.
HOUR_WEIGHTS = [
    0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 1.0, 1.8, 2.6, 2.8, 2.7, 2.4,
    2.0, 2.3, 2.4, 2.2, 2.0, 1.8, 1.6, 1.5, 1.3, 1.0, 0.7, 0.5,
]  # fmt: skip

SOIS = [
    "วัดใหม่", "ร่วมใจ", "สุขใจ", "ประชาร่วมใจ", "เทศบาล 3", "ศรีสุข", "บ้านสวน", "ตลาดเก่า",
    "โรงเรียน", "สามัคคี", "พัฒนา 2", "เจริญสุข", "หลังตลาด", "ราษฎร์อุทิศ", "มิตรสัมพันธ์",
    "5", "7", "9/1", "12", "15", "18", "21", "24", "3/2", "11",
]  # fmt: skip
FORWARD_NOTES = [
    "", "", "", "ตรวจสอบแล้วอยู่ในเขตจ่ายน้ำของสาขา", "ลูกค้าแจ้งซ้ำหลายครั้ง ขอให้เร่งดำเนินการ",
    "พิกัดจากลูกค้าตรงกับแนวท่อเมน",
]  # fmt: skip
DISPATCH_NOTES = ["", "", "นำท่อและข้อต่อสำรองไปด้วย", "ประสานลูกค้าก่อนเข้าพื้นที่", "ด่วน ผิวถนนเริ่มทรุด"]
VERIFY_NOTES = ["", "", "ตรวจภาพถ่ายหลังซ่อมแล้วเรียบร้อย", "โทรสอบถามลูกค้าแล้ว น้ำไหลปกติ"]
RESUME_NOTES = ["", "ลูกค้านัดหมายได้แล้ว", "ได้รับเอกสารจากลูกค้าแล้ว"]
AWAIT_REASONS = [
    "รอลูกค้านัดวันเข้าตรวจสอบในบ้าน",
    "ลูกค้าไม่อยู่บ้าน รอนัดหมายใหม่",
    "รอลูกค้าส่งหลักฐานการชำระเงิน",
    "รอลูกค้าเปิดบ้านให้เข้าตรวจมาตร",
    "รอลูกค้ายืนยันตำแหน่งจุดรั่ว",
]
REJECT_REASONS = [
    "ตรวจแล้วยังมีน้ำซึมที่จุดซ่อม",
    "ลูกค้าแจ้งว่าน้ำยังไหลอ่อนเหมือนเดิม",
    "ยังไม่ได้คืนสภาพพื้นที่ให้เรียบร้อย",
    "ภาพถ่ายหลังซ่อมไม่ชัดเจน ขอให้ตรวจซ้ำ",
]
REOPEN_REASONS = [
    "ลูกค้าแจ้งว่าปัญหาเดิมเกิดขึ้นอีก",
    "ท่อรั่วซ้ำที่จุดเดิม",
    "น้ำกลับมาขุ่นอีกหลังซ่อม",
    "ลูกค้าไม่พอใจผลการแก้ไข ขอให้ตรวจสอบใหม่",
]
LATE_REASONS = [
    "ต้องรอวัสดุท่อขนาดใหญ่จากเขต",
    "ต้องขออนุญาตขุดถนนจากกรมทางหลวงก่อน",
    "ต้องประสานผู้รับจ้างเข้าคืนสภาพผิวถนน",
    "ต้องรอผลตรวจคุณภาพน้ำจากห้องปฏิบัติการ",
]
TECH_NAMES = ("ช่าง", "นายช่าง")
