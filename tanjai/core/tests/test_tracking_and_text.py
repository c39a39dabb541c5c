from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tanjai.core.services import tracking_numbers_allocate
from tanjai.core.text import search_document, search_words, text_normalise
from tanjai.core.tracking import TrackingNumberError, tracking_format, tracking_normalise


def test_a_number_reads_back_in_any_form():
    number = tracking_format(2569, 1234)
    assert number == "69-0001234-" + number[-1]
    digits = number.replace("-", "")
    thai = digits.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    for typed in (number, digits, " ".join(digits), thai):
        assert tracking_normalise(typed) == number


def test_every_single_digit_slip_and_every_adjacent_swap_is_caught():
    for seq in (1, 42, 1234567, 9999999):
        digits = tracking_format(2569, seq).replace("-", "")
        for pos, wrong in itertools.product(range(len(digits)), "0123456789"):
            if wrong == digits[pos]:
                continue
            with pytest.raises(TrackingNumberError):
                tracking_normalise(digits[:pos] + wrong + digits[pos + 1 :])
        for pos in range(len(digits) - 1):
            swapped = digits[:pos] + digits[pos + 1] + digits[pos] + digits[pos + 2 :]
            if swapped != digits:
                with pytest.raises(TrackingNumberError):
                    tracking_normalise(swapped)


def test_wrong_lengths_say_so():
    with pytest.raises(TrackingNumberError, match="10 หลัก"):
        tracking_normalise("69-123")


@pytest.mark.django_db
def test_numbers_are_consecutive_per_buddhist_year():
    new_year_eve = datetime(2025, 12, 31, 23, 59, tzinfo=ZoneInfo("Asia/Bangkok"))
    first = tracking_numbers_allocate(at=new_year_eve, count=2)
    after = tracking_numbers_allocate(
        at=datetime(2026, 1, 1, 0, 1, tzinfo=ZoneInfo("Asia/Bangkok"))
    )
    assert [n[:10] for n in first] == ["68-0000001", "68-0000002"]
    assert after[0].startswith("69-0000001")


def test_thai_input_is_normalised():
    assert text_normalise("เเก้ไข\u200b ท่อ  ๑๒๓") == "แก้ไข ท่อ 123"
    assert text_normalise("นํา") == "นำ"


def test_thai_words_are_found_inside_sentences():
    words = search_words("น้ำไม่ไหลตั้งแต่เมื่อคืน ท่อประปาแตก")
    assert {"น้ำ", "ไหล", "ท่อ", "ประปา", "แตก"} <= set(words)
    doc = search_document("ท่อประปาแตกหน้าบ้าน")
    assert " แตก " in doc and doc.startswith(" ")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("โทร 081-234-5678 ด่วน", "โทร [เบอร์โทร] ด่วน"),
        ("ติดต่อ +66 81 234 5678", "ติดต่อ [เบอร์โทร]"),
        ("บ้านเลขที่ 12/3 ซอยวัดใหม่", "บ้านเลขที่ [เลขที่] ซอยวัดใหม่"),
        ("หน้าบ้าน 45/12 หมู่ 3", "หน้าบ้าน [เลขที่] หมู่ 3"),
        ("ท่อ 100 มม. แตก ปี 2569", "ท่อ 100 มม. แตก ปี 2569"),
        ("โทร ๐๘๑-๒๓๔-๕๖๗๘", "โทร [เบอร์โทร]"),
        ("(02) 123-4567 หรือ 081 - 234 - 5678", "[เบอร์โทร] หรือ [เบอร์โทร]"),
        ("เลขที่ผู้ใช้น้ำ 1234567890", "เลขที่ผู้ใช้น้ำ [หมายเลข]"),
        ("ส่งมาที่ somchai@example.co.th", "ส่งมาที่ [อีเมล]"),
        ("เรื่องเดียวกับ 69-0001234-7", "เรื่องเดียวกับ 69-0001234-7"),
    ],
)
def test_phone_and_house_numbers_are_masked_and_nothing_else(text, masked):
    from tanjai.core.text import mask_personal_text

    assert mask_personal_text(text) == masked
