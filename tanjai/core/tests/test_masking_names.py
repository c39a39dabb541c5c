"""Names written in free text are masked for those who may not see the customer: after a
title (นาย, นาง, นางสาว, คุณ, ชื่อ…) and the complainant's own name anywhere (PDPA)."""

from __future__ import annotations

import pytest

from tanjai.core.text import mask_personal_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("คุณสมชายแจ้งว่าน้ำไม่ไหล", "คุณ[ชื่อ]แจ้งว่าน้ำไม่ไหล"),
        ("นายสมศักดิ์ รักดี โทรมาแจ้ง", "นาย[ชื่อ] โทรมาแจ้ง"),
        ("นางสาวมาลี ศรีสุข ร้องเรียนว่าท่อแตก", "นางสาว[ชื่อ] ร้องเรียนว่าท่อแตก"),
        ("ส่ง น.ส.สุดา ไปดู", "ส่ง น.ส.[ชื่อ] ไปดู"),
        ("ติดต่อ Mr. John Smith ที่ 081-234-5678", "ติดต่อ Mr. [ชื่อ] ที่ [เบอร์โทร]"),
        ("ผู้ร้องชื่อสมชาย ใจดี", "ผู้ร้องชื่อ[ชื่อ]"),
        ("คุณ สมชาย ใจดี แจ้งว่า", "คุณ [ชื่อ] แจ้งว่า"),
        ("ให้ติดต่อภรรยา นางมาลี ใจดี", "ให้ติดต่อภรรยา นาง[ชื่อ]"),
    ],
)
def test_a_name_after_a_title_is_masked(text, masked):
    assert mask_personal_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        # Words that begin like a title, or hold one inside, are not one.
        "คุณภาพน้ำไม่ดี น้ำขุ่น",
        "นายอำเภอแจ้งว่าถนนปิด",
        "ชื่อเสียงของการประปา",
        "ช่างเชื่อมท่อเสร็จแล้ว",
        "การเชื่อมต่อมิเตอร์ใหม่",
        "ขอบคุณเจ้าหน้าที่ที่มาซ่อมท่อ",
        "ขอบคุณช่างที่มาซ่อมเร็วมาก",
        "นายกอบต.มาดูที่เกิดเหตุ",
        "นายช่างมาซ่อมแล้ว",
        "คุณสมบัติของน้ำประปาไม่ผ่าน",
        # A title followed by a common word, not a name.
        "ชื่อบัญชีผู้ใช้น้ำไม่ตรง",
        "ชื่อถนนในใบแจ้งหนี้ผิด",
        "คุณลุงข้างบ้านแจ้งว่าน้ำรั่ว",
        "คุณช่างใจดีมาก",
        "Mr Water meter broken",
    ],
)
def test_ordinary_words_are_left_as_written(text):
    assert mask_personal_text(text) == text


def test_the_complainants_name_never_takes_a_title_or_a_short_word_with_it():
    text = "นายอำเภอมาดู คุณภาพน้ำดีขึ้น"
    assert mask_personal_text(text, names=["นาย สมชาย ใจดี", "คุณ อร"]) == text


def test_the_complainants_own_name_is_masked_wherever_it_is_written():
    text = "สมชายบอกว่าใจดีไม่อยู่บ้าน ให้โทรหาสมชายตอนเย็น"
    masked = mask_personal_text(text, names=["สมชาย ใจดี"])
    assert "สมชาย" not in masked and "ใจดี" not in masked
    assert masked.count("[ชื่อ]") == 3 and "ไม่อยู่บ้าน" in masked


def test_an_analyst_and_a_technician_after_the_job_read_no_name(api, advance, register):
    from tanjai.conftest import new_complaint_payload

    complaint = register(
        **{
            **new_complaint_payload(),
            "description": "คุณสมชายแจ้งว่าน้ำไม่ไหล ให้ติดต่อภรรยา นางมาลี ใจดี",
        }
    )
    advance(complaint, "close")
    for reader in ("analyst", "chonburi_tech"):
        body = api(reader).get(f"/complaints/{complaint.tracking_no}").json()
        assert "สมชาย" not in body["description"] and "มาลี" not in body["description"], reader
        assert "ใจดี" not in body["description"] and "[ชื่อ]" in body["description"], reader
    # The centre, which handles the customer, reads it as written.
    centre = api("chonburi_centre").get(f"/complaints/{complaint.tracking_no}").json()
    assert "คุณสมชาย" in centre["description"]
