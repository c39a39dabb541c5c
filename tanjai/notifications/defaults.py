"""The default Thai words of the notices to customers; PWA edits them in the admin.
Seeding adds the missing ones and never overwrites an edited one."""

from __future__ import annotations

from typing import Any

DEFAULTS = [
    (
        "registered",
        "กปภ. รับเรื่อง {{ tracking_no }} แล้ว",
        "กปภ. ได้รับเรื่องร้องเรียนของท่านแล้ว เลขที่ {{ tracking_no }} ({{ category }}) "
        "เราจะแจ้งแนวทางแก้ไขภายใน 24 ชม. ติดตามเรื่อง: {{ track_url }}",
    ),
    (
        "informed",
        "กปภ. แจ้งแนวทางแก้ไขเรื่อง {{ tracking_no }}",
        "เรื่อง {{ tracking_no }}: {{ plan }} กำหนดแล้วเสร็จ {{ promised_at }} "
        "ติดตามเรื่อง: {{ track_url }}",
    ),
    (
        "fixed",
        "กปภ. แก้ไขเรื่อง {{ tracking_no }} แล้ว",
        "เรื่อง {{ tracking_no }} แก้ไขเรียบร้อยแล้ว เจ้าหน้าที่กำลังตรวจสอบผลงาน หากยังพบปัญหา โปรดโทร 1662",
    ),
    (
        "closed",
        "กปภ. ปิดเรื่อง {{ tracking_no }} แล้ว",
        "เรื่อง {{ tracking_no }} ดำเนินการเสร็จสิ้นแล้ว ขอบคุณที่แจ้ง กปภ."
        "{% if survey_url %} โปรดประเมินความพึงพอใจ: {{ survey_url }}{% endif %}",
    ),
]


def notice_templates_seed(model: Any = None) -> None:
    if model is None:
        # The current model, unless a migration passes its own (historical) one.
        from tanjai.notifications.models import NoticeTemplate as model
    for event, subject, body in DEFAULTS:
        model.objects.get_or_create(
            event=event, channel="any", defaults={"subject": subject, "body": body}
        )
