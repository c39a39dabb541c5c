"""Imports from GCC 1111 and Damrongtham: real CSV (UTF-8 and Thai Windows) and XLSX files
written here as those systems export them, read by the same code as in production."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from tanjai.channels.admin import ImportFormatForm
from tanjai.channels.imports import date_parse, import_process
from tanjai.channels.models import ImportBatch, ImportFormat, ImportRow, ImportStatus
from tanjai.complaints.models import Complaint
from tanjai.conftest import PASSWORD
from tanjai.core.worker import inprocess_worker

BANGKOK = ZoneInfo("Asia/Bangkok")
pytestmark = pytest.mark.django_db
HEADINGS_1111 = [
    "ลำดับ",
    "เลขที่เรื่อง",
    "วันที่รับเรื่อง",
    "ชื่อเรื่อง",
    "รายละเอียด",
    "ชื่อ-นามสกุลผู้ร้อง",
    "เบอร์โทรศัพท์",
    "ที่อยู่",
    "อำเภอ",
    "จังหวัด",
]
ROWS_1111 = [
    # A leak in Ban Bueng, a Buddhist-Era date with Thai digits.
    [
        "1",
        "1111-6911-000101",
        "๒๔/๑๑/๒๕๖๙ ๐๙:๑๕",
        "ท่อแตก",
        "ท่อประปาแตกหน้าตลาด น้ำไหลนอง",
        "สมชาย ใจดี",
        "081-234-5678",
        "12 ม.3 ต.หนองชาก",
        "อ.บ้านบึง",
        "จ.ชลบุรี",
    ],
    # No water in Khon Kaen, a Thai month name.
    [
        "2",
        "1111-6911-000102",
        "23 พ.ย. 2569 18:40 น.",
        "ร้องเรียนน้ำประปา",
        "น้ำไม่ไหลมาสองวันแล้ว",
        "สมหญิง รักน้ำ",
        "0891112222 หรือ 043-123-456",
        "",
        "เมืองขอนแก่น",
        "ขอนแก่น",
    ],
    # No case number: rejected.
    ["3", "", "24/11/2569", "น้ำขุ่น", "น้ำขุ่นมาก", "ก", "0812223333", "", "", "ชลบุรี"],
    # A date the format cannot read: rejected.
    ["4", "1111-6911-000104", "เมื่อวาน", "น้ำขุ่น", "น้ำขุ่นมาก", "ข", "0812223334", "", "", "ชลบุรี"],
    # A phone number with too few digits: rejected with the intake's own reason.
    [
        "5",
        "1111-6911-000105",
        "24/11/2569",
        "มาตรวัดน้ำชำรุด",
        "มาตรไม่หมุน",
        "ค",
        "12345",
        "",
        "",
        "ชลบุรี",
    ],
    # A province without a PWA branch and no branch set for such rows: rejected.
    [
        "6",
        "1111-6911-000106",
        "24/11/2569",
        "น้ำแดง",
        "มีสนิม",
        "ง",
        "0812223335",
        "",
        "",
        "กรุงเทพมหานคร",
    ],
    # Anonymous, a date in the future: rejected by the intake.
    ["7", "1111-6911-000107", "24/11/2580", "น้ำเค็ม", "น้ำกร่อย", "", "", "", "", "ชลบุรี"],
]


def csv_bytes(headings: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def file_1111(tmp_path: Path) -> Path:
    path = tmp_path / "gcc1111-export.csv"
    path.write_bytes(csv_bytes(HEADINGS_1111, ROWS_1111))
    return path


def imported(ref: str) -> Complaint:
    return Complaint.objects.select_related("branch", "category", "subcategory").get(
        external_ref=ref
    )


def test_a_1111_csv_imports_once_with_each_rejected_row_and_its_reason(file_1111, capsys):
    before = Complaint.objects.count()
    call_command("tanjai_import", str(file_1111), format="gcc1111")
    out = capsys.readouterr()
    assert "2 new, 0 already imported, 5 rejected" in out.out
    assert "100%" in out.err  # the progress bar reached its end

    leak = imported("1111-6911-000101")
    assert leak.channel.code == "gcc1111"
    assert (leak.category.code, leak.subcategory.code) == ("leak", "main_burst")
    assert leak.branch.code == "ban-bueng"  # found by its district
    assert leak.received_at == datetime(2026, 11, 24, 9, 15, tzinfo=BANGKOK)
    assert leak.customer_phone == "0812345678"
    assert "ท่อประปาแตกหน้าตลาด" in leak.description and leak.description.startswith("ท่อแตก")

    no_water = imported("1111-6911-000102")
    assert (no_water.category.code, no_water.subcategory.code) == ("supply", "no_water")
    assert no_water.branch.province_th == "ขอนแก่น"
    assert no_water.received_at == datetime(2026, 11, 23, 18, 40, tzinfo=BANGKOK)
    assert (no_water.customer_phone, no_water.customer_phone_alt) == ("0891112222", "043123456")

    batch = ImportBatch.objects.get()
    reasons = {r.row_no: " ".join(r.reasons) for r in ImportRow.objects.filter(outcome="rejected")}
    assert set(reasons) == {4, 5, 6, 7, 8}  # file rows: the heading is row 1
    assert "เลขที่เรื่อง" in reasons[4]
    assert "เมื่อวาน" in reasons[5]
    assert "เบอร์โทรศัพท์" in reasons[6]
    assert "province" in reasons[7] or "จังหวัด" in reasons[7]
    assert "future" in reasons[8] or "อนาคต" in reasons[8]
    assert batch.status == ImportStatus.DONE and batch.total_rows == 7
    assert not batch.file  # the file's personal data is not kept once imported
    assert Complaint.objects.count() == before + 2

    # The same file again: nothing new, the two complaints found by their case numbers.
    call_command("tanjai_import", str(file_1111), format="gcc1111")
    assert "0 new, 2 already imported, 5 rejected" in capsys.readouterr().out
    assert Complaint.objects.count() == before + 2


def test_a_thai_windows_csv_and_a_renamed_column_need_no_code(tmp_path, capsys):
    headings = ["เลขที่เรื่อง", "วันที่", "เรื่องที่ร้องเรียน", "จังหวัด", "โทร"]
    rows = [["1111-6911-000201", "01/11/2569", "น้ำมีกลิ่นคลอรีนแรง", "ชลบุรี", "0899999999"]]
    path = tmp_path / "tis620.csv"
    path.write_bytes(csv_bytes(headings, rows, encoding="cp874"))

    with pytest.raises(CommandError, match="รายละเอียด"):
        call_command("tanjai_import", str(path), format="gcc1111")
    assert ImportBatch.objects.get().status == ImportStatus.FAILED

    # The export renamed its column: the format is data, edited like the admin does.
    fmt = ImportFormat.objects.get(code="gcc1111")
    fmt.columns["description"].append("เรื่องที่ร้องเรียน")
    fmt.columns["customer_phone"].append("โทร")
    fmt.save()
    call_command("tanjai_import", str(path), format="gcc1111")
    assert "1 new" in capsys.readouterr().out
    smell = imported("1111-6911-000201")
    assert smell.category.code == "quality" and smell.subcategory.code == "smell"
    assert smell.customer_phone == "0899999999"


def damrongtham_xlsx(path: Path, n: int) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "รายงาน"
    sheet.append(["รายงานเรื่องร้องเรียน ศูนย์ดำรงธรรมจังหวัดชลบุรี"])  # a title row first
    sheet.append(["เลขที่รับ", "วันที่รับ", "เรื่อง", "ข้อร้องเรียน", "ผู้ร้องเรียน", "โทรศัพท์", "อำเภอ", "จังหวัด"])
    for i in range(n):
        sheet.append(
            [
                f"ดธ.ชบ.{i + 1:05d}/2569",
                datetime(2026, 11, 20, 8, 0),  # a real spreadsheet date
                "ถนนไม่คืนสภาพ" if i % 2 else "น้ำไหลอ่อน",
                "หลังซ่อมท่อแล้วไม่คืนสภาพถนน" if i % 2 else "น้ำไหลอ่อนทั้งซอย",
                f"ผู้ร้อง {i}",
                812000000 + i,  # stored as a number: the leading 0 is lost
                "พนัสนิคม",
                "ชลบุรี",
            ]
        )
    book.save(path)
    return path


def test_an_xlsx_from_damrongtham_with_real_dates_and_numeric_phones(tmp_path, capsys):
    fmt = ImportFormat.objects.get(code="damrongtham")
    fmt.header_row = 2
    fmt.save()
    path = damrongtham_xlsx(tmp_path / "damrongtham.xlsx", 60)
    call_command("tanjai_import", str(path), format="damrongtham")
    out = capsys.readouterr()
    assert "60 new, 0 already imported, 0 rejected" in out.out
    # The bar moves through the file, a tenth at a time off a terminal.
    assert "30/60 50%" in out.err and "60/60 100%" in out.err
    complaints = Complaint.objects.filter(channel__code="damrongtham")
    assert complaints.count() == 60
    first = imported("ดธ.ชบ.00001/2569")
    assert first.received_at == datetime(2026, 11, 20, 8, 0, tzinfo=BANGKOK)
    assert first.customer_phone == "0812000000"
    assert first.branch.code == "phanat-nikhom"
    assert first.subcategory.code == "low_pressure"
    assert imported("ดธ.ชบ.00002/2569").subcategory.code == "road_not_restored"


def test_an_import_stopped_half_way_continues_without_doubling(tmp_path):
    path = damrongtham_xlsx(tmp_path / "big.xlsx", 40)
    fmt = ImportFormat.objects.get(code="damrongtham")
    fmt.header_row = 2
    fmt.save()
    batch = ImportBatch(format=fmt, file_name="big.xlsx", sha256="x")
    batch.file.save("big.xlsx", io.BytesIO(path.read_bytes()), save=False)
    batch.save()
    from tanjai.channels.conversation import channel_actor

    class Killed(BaseException):  # like a killed worker: no handler runs
        pass

    def die(progress):
        raise Killed

    with pytest.raises(Killed):
        import_process(batch, actor=channel_actor("damrongtham"), on_progress=die, every=15)
    assert ImportRow.objects.filter(batch=batch).count() == 15
    assert Complaint.objects.filter(channel__code="damrongtham").count() == 15
    batch.refresh_from_db()
    assert batch.status == ImportStatus.RUNNING
    # While its worker may still be alive, another run leaves the batch alone.
    assert import_process(batch, actor=channel_actor("damrongtham"))["created"] == 15
    assert ImportRow.objects.filter(batch=batch).count() == 15

    # Five minutes without a row: the run is taken as dead, and continues.
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=batch.heartbeat_at - timedelta(minutes=10)
    )
    counts = import_process(batch, actor=channel_actor("damrongtham"))
    assert counts == {"created": 40, "existing": 0, "rejected": 0}
    assert Complaint.objects.filter(channel__code="damrongtham").count() == 40


@pytest.mark.parametrize(
    "text, expected",
    [
        ("24 พ.ย. 2569 10:30 น.", datetime(2026, 11, 24, 10, 30)),
        ("๒๔/๑๑/๒๕๖๙", datetime(2026, 11, 24)),
        ("2026-11-24", datetime(2026, 11, 24)),
        ("1 มกราคม 2570", datetime(2027, 1, 1)),
        ("29/02/2567", datetime(2024, 2, 29)),  # 2567 BE is a leap year's 2024
        ("15/10/2567 10.30 น.", datetime(2024, 10, 15, 10, 30)),
        ("15 ต.ค. 2567 เวลา 10:30 น.", datetime(2024, 10, 15, 10, 30)),
        ("45580", datetime(2024, 10, 15)),  # an Excel serial saved as text
        (45580.4375, datetime(2024, 10, 15, 10, 30)),
    ],
)
def test_dates_as_thai_systems_write_them(text, expected):
    fmt = ImportFormat.objects.get(code="gcc1111")
    assert date_parse(text, fmt.date_formats) == expected.replace(tzinfo=BANGKOK)


def test_files_that_are_not_csv_or_xlsx_are_refused_with_a_reason(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(CommandError, match=r"\.xls"):
        call_command("tanjai_import", str(old), format="gcc1111")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CommandError, match="XLSX"):
        call_command("tanjai_import", str(broken), format="gcc1111")
    assert Complaint.objects.filter(channel__code="gcc1111").count() == 0


def test_the_admin_checks_a_format_before_saving_it():
    fmt = ImportFormat.objects.get(code="gcc1111")
    base = {
        "code": "gcc1111-v2",
        "name": "1111 v2",
        "channel": fmt.channel_id,
        "header_row": 1,
        "sheet": "",
        "encoding": "",
        "columns": '{"external_ref": ["เลขที่"], "description": ["รายละเอียด"]}',
        "date_formats": '["%d/%m/%Y"]',
        "category_words": '[["ท่อแตก", "leak/main_burst"]]',
        "default_category": "",
        "default_branch": "",
        "active": True,
    }
    assert ImportFormatForm(base).is_valid()
    for field, value, message in [
        ("columns", '{"external_ref": ["x"], "colour": ["y"]}', "colour"),
        ("columns", '{"description": ["x"]}', "external_ref"),
        ("category_words", '[["ท่อแตก", "leak/no_such"]]', "leak/no_such"),
        ("date_formats", '["dd/mm/yyyy"]', "strptime"),
        ("default_branch", "atlantis", "atlantis"),
    ]:
        form = ImportFormatForm({**base, field: value})
        assert not form.is_valid()
        assert message in str(form.errors[field])


@pytest.mark.django_db(transaction=True)
def test_the_staff_page_imports_in_the_background_and_lists_the_rejected_rows(reseed, file_1111):
    officer = Client()
    assert officer.login(username="call_centre", password=PASSWORD)
    fmt = ImportFormat.objects.get(code="gcc1111")
    with file_1111.open("rb") as handle:
        response = officer.post("/staff/imports/", {"format": fmt.pk, "file": handle})
    assert response.status_code == 302
    page = response["Location"]
    fragment = officer.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment  # polling while waiting for the worker

    inprocess_worker(worker_id="test", batch=True).run()
    fragment = officer.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in fragment  # done: the polling stops
    assert 'data-count="created">2<' in fragment and 'data-count="rejected">5<' in fragment
    html = officer.get(page).content.decode()
    assert "1111-6911-000104" in html and "เมื่อวาน" in html
    # Each column says what it holds: the other system's number is not PWA's tracking
    # number, and the reasons are reasons.
    for table in re.findall(r"<thead>(.*?)</thead>", html, flags=re.S):
        headings = re.findall(r"<th[^>]*>(.*?)</th>", table)
        assert len(headings) == len(set(headings)), headings
    assert "เพื่ออะไร" not in html and "เหตุที่นำเข้าไม่ได้" in html

    download = officer.get(page + "rejected.csv")
    assert download["Content-Type"].startswith("text/csv")
    # The rejected rows quote names and phone numbers: each look is in the access log.
    from tanjai.accounts.models import PersonalDataAccess

    looks = PersonalDataAccess.objects.filter(
        subject__startswith="import ", user__username="call_centre"
    )
    assert {a.via for a in looks} == {"web", "file"} and all(a.complaint_id is None for a in looks)
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][0].startswith("แถว") and rows[0][-1].startswith("เหตุ")
    assert len(rows) == 6
    assert any("12345" in cell for row in rows for cell in row)

    # Someone else's import is not theirs to see; a technician cannot import at all.
    other = Client()
    assert other.login(username="chonburi_officer", password=PASSWORD)
    assert other.get(page).status_code == 404
    assert other.get(page + "rejected.csv").status_code == 404
    technician = Client()
    assert technician.login(username="chonburi_tech", password=PASSWORD)
    assert technician.get("/staff/imports/").status_code == 403


def test_a_rejected_row_cannot_smuggle_a_formula_into_the_download(tmp_path):
    path = tmp_path / "evil.csv"
    path.write_bytes(
        csv_bytes(
            ["เลขที่เรื่อง", "รายละเอียด", "จังหวัด"],
            [['=HYPERLINK("http://x")', "น้ำไม่ไหล", "ไม่มีจังหวัดนี้"]],
        )
    )
    call_command("tanjai_import", str(path), format="gcc1111", rejected=str(tmp_path / "r.csv"))
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    assert '\n2,"=' not in text


def test_the_answers_back_carry_their_case_numbers_and_what_pwa_did(
    tmp_path, persona, advance, capsys
):
    from datetime import timedelta

    from django.utils import timezone

    from tanjai.complaints.services import complaint_act

    path = tmp_path / "chonburi.csv"
    now = timezone.localtime()
    path.write_bytes(
        csv_bytes(
            ["เลขที่เรื่อง", "วันที่รับเรื่อง", "รายละเอียด", "อำเภอ", "จังหวัด"],
            [
                [
                    "1111-A-1",
                    now.strftime("%d/%m/") + str(now.year + 543),
                    "ท่อรั่วหน้าบ้าน",
                    "เมืองชลบุรี",
                    "ชลบุรี",
                ],
                [
                    "1111-A-2",
                    now.strftime("%d/%m/") + str(now.year + 543),
                    "น้ำไม่ไหล",
                    "เมืองชลบุรี",
                    "ชลบุรี",
                ],
            ],
        )
    )
    call_command("tanjai_import", str(path), format="gcc1111")
    told = advance(imported("1111-A-1"), "dispatch")
    complaint_act(
        tracking_no=told.tracking_no,
        actor=persona("chonburi_centre"),
        action="inform_customer",
        data={
            "plan": "ช่างจะโทร 081-999-8888 ก่อนเข้าซ่อม",
            "promised_at": (timezone.now() + timedelta(hours=5)).isoformat(),
            "contact_method": "phone",
        },
    )
    out = tmp_path / "answers.csv"
    call_command("tanjai_answers", format="gcc1111", period=f"{now:%Y-%m}", output=str(out))
    assert "2 cases" in capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    by_case = {r[0]: r for r in rows[1:]}
    assert set(by_case) == {"1111-A-1", "1111-A-2"}
    answered = by_case["1111-A-1"]
    assert answered[1] == told.tracking_no
    assert answered[4] == "กปภ.สาขาชลบุรี"
    assert "ก่อนเข้าซ่อม" in answered[6] and "081-999-8888" not in answered[6]  # masked
    assert answered[7]  # the date promised
    assert by_case["1111-A-2"][6] == ""  # not told yet

    # The same from the staff page; a branch officer sees only the cases of the branch.
    officer = Client()
    assert officer.login(username="call_centre", password=PASSWORD)
    response = officer.get(
        "/staff/imports/answers.csv", {"format": "gcc1111", "period": f"{now:%Y-%m}"}
    )
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("1111-A-") == 2
    khonkaen = Client()
    assert khonkaen.login(username="khonkaen_centre", password=PASSWORD)
    elsewhere = khonkaen.get(
        "/staff/imports/answers.csv", {"format": "gcc1111", "period": f"{now:%Y-%m}"}
    )
    assert elsewhere.status_code == 200
    assert elsewhere.content.decode("utf-8-sig").count("\n") == 1  # the headings only
    bad = officer.get("/staff/imports/answers.csv", {"format": "gcc1111", "period": "soon"})
    assert bad.status_code == 400 and "soon" in bad.content.decode()


def test_quotes_placeholders_and_a_branch_column_naming_pwa_itself(tmp_path, capsys):
    headings = [
        "เลขที่เรื่อง",
        "วันที่รับเรื่อง",
        "รายละเอียด",
        "เบอร์โทรศัพท์",
        "อีเมล",
        "หน่วยงานที่รับผิดชอบ",
        "จังหวัด",
    ]
    rows = [
        ["Q-1", "01/11/2569", "น้ำไม่ไหล", "-", "-", "การประปาส่วนภูมิภาค", "ชลบุรี"],
        [
            "Q-2",
            "01/11/2569",
            'ป้าย "ด่วน" น้ำไม่ไหล, ซอย 5',
            "02-123-4567 ต่อ 12",
            "ไม่ระบุ",
            "กปภ.ชลบุรี",
            "",
        ],
    ]
    path = tmp_path / "quotes.csv"
    path.write_bytes(csv_bytes(headings, rows))
    call_command("tanjai_import", str(path), format="gcc1111")
    assert "2 new" in capsys.readouterr().out
    assert imported("Q-1").branch.code == "chonburi" and imported("Q-1").anonymous
    second = imported("Q-2")
    assert second.description == 'ป้าย "ด่วน" น้ำไม่ไหล, ซอย 5'
    assert second.customer_phone == "021234567" and second.branch.code == "chonburi"

    broken = tmp_path / "broken.csv"
    broken.write_bytes('เลขที่เรื่อง,รายละเอียด\nB-1,"ไม่ปิดคำพูด\nB-2,ท่อแตก\n'.encode())
    with pytest.raises(CommandError, match=r"quote|คำพูด"):
        call_command("tanjai_import", str(broken), format="gcc1111")
    assert not Complaint.objects.filter(external_ref__startswith="B-").exists()
    assert ImportBatch.objects.get(file_name="broken.csv").status == ImportStatus.FAILED


def test_the_rejected_rows_download_imports_again_once_corrected(tmp_path, capsys):
    fmt = ImportFormat.objects.get(code="damrongtham")
    fmt.header_row = 2
    fmt.save()
    book = Workbook()
    sheet = book.active
    sheet.append(["รายงาน"])
    sheet.append(["เลขที่รับ", "วันที่รับ", "ข้อร้องเรียน", "โทรศัพท์", "จังหวัด", "เลขบัตรประชาชน"])
    sheet.append(["R-1", "02/11/2569", "- น้ำขุ่น", "0812", "ชลบุรี", "3100000000001"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    rejected = tmp_path / "rejected.csv"
    call_command("tanjai_import", str(path), format="damrongtham", rejected=str(rejected))
    assert "1 rejected" in capsys.readouterr().out
    text = rejected.read_text(encoding="utf-8-sig")
    assert "3100000000001" not in text  # a column the format does not read is not kept
    assert "'- น้ำขุ่น" in text  # a cell starting with "-" cannot become a formula

    fixed = text.replace(",0812,", ",0812345678,")
    rejected.write_text(fixed, encoding="utf-8-sig")
    call_command("tanjai_import", str(rejected), format="damrongtham")
    assert "1 new" in capsys.readouterr().out
    assert imported("R-1").description == "- น้ำขุ่น"


def test_rejected_rows_forget_their_values_after_ninety_days(file_1111):
    from django.utils import timezone

    from tanjai.channels.imports import imports_prune

    call_command("tanjai_import", str(file_1111), format="gcc1111")
    before = {r.pk: dict(r.values) for r in ImportRow.objects.filter(outcome="rejected")}
    assert imports_prune() == 0
    assert imports_prune(now=timezone.now() + timedelta(days=91)) == 5
    row = ImportRow.objects.filter(outcome="rejected").first()
    assert row.values == {} and row.reasons
    # The reasons quoted some of the values: those are masked too.
    for kept in ImportRow.objects.filter(outcome="rejected"):
        for value in before[kept.pk].values():
            if value and len(str(value)) >= 5:
                assert all(str(value) not in reason for reason in kept.reasons), value
