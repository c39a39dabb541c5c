"""Complaints by e-mail, through a real SMTP conversation: smtplib sends to Tanjai's own
listener (aiosmtpd) on loopback, which stores each message before answering 250."""

from __future__ import annotations

import smtplib
import socket
from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText

import pytest
from django.db import connection

from tanjai.complaints.models import Attachment, Complaint, Event

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture
def smtp(reseed):
    from tanjai.channels.management.commands.tanjai_smtpd import smtp_controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = smtp_controller("127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()


def send(port: int, message) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)


def mail(subject: str, body: str, *, sender="somchai@example.test", message_id=None, **headers):
    message = EmailMessage()
    message["From"] = f"สมชาย ใจดี <{sender}>"
    message["To"] = "complaints@pwa.test"
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{abs(hash((subject, body)))}@example.test>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


RFC2231_MAIL = (
    "From: somchai@example.test\r\n"
    "To: complaints@pwa.test\r\n"
    "Subject: =?utf-8?b?4LiZ4LmJ4Liz4LmE4Lih4LmI4LmE4Lir4Lil?=\r\n"
    "Message-ID: <rfc2231@example.test>\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/mixed; boundary="b1"\r\n'
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "{body}\r\n"
    "--b1\r\n"
    "Content-Type: application/pdf\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    # RFC 2231: the file's Thai name, percent-encoded UTF-8.
    "Content-Disposition: attachment; filename*=utf-8''{name}\r\n"
    "\r\n"
    "{pdf}\r\n"
    "--b1--\r\n"
)


def test_a_mail_becomes_a_complaint_once_with_its_attachment(smtp):
    import base64
    from urllib.parse import quote

    raw = RFC2231_MAIL.format(
        body=base64.b64encode("น้ำไม่ไหลมาสองวันแล้ว ที่ซอยวัดใหม่ จังหวัดชลบุรี".encode()).decode(),
        name=quote("ใบแจ้งหนี้.pdf"),
        pdf=base64.b64encode(PDF).decode(),
    )
    for _ in range(2):  # the same message delivered twice
        with smtplib.SMTP("127.0.0.1", smtp, timeout=10) as client:
            client.sendmail("somchai@example.test", ["complaints@pwa.test"], raw.encode())
    complaint = Complaint.objects.get()
    assert complaint.channel.code == "email" and complaint.customer_email == "somchai@example.test"
    assert "น้ำไม่ไหลมาสองวันแล้ว" in complaint.description
    assert complaint.description.startswith("น้ำไม่ไหล")  # the subject, decoded
    assert complaint.branch.code == "chonburi"
    attachment = Attachment.objects.get()
    assert attachment.kind == "document" and attachment.original_name == "ใบแจ้งหนี้.pdf"


def test_thai_charsets_and_html_only_mail(smtp):
    legacy = MIMEText("น้ำขุ่นเป็นสีแดง ขอนแก่น", "plain", "tis-620")
    legacy["From"] = "a@example.test"
    legacy["To"] = "complaints@pwa.test"
    legacy["Subject"] = Header("น้ำขุ่น", "tis-620")  # an encoded word in TIS-620
    legacy["Message-ID"] = "<tis620@example.test>"
    send(smtp, legacy)
    html_only = MIMEText("<p>ท่อแตก<br>หน้าบ้าน &amp; ถนน</p>", "html", "utf-8")
    html_only["From"] = "b@example.test"
    html_only["To"] = "complaints@pwa.test"
    html_only["Subject"] = "ท่อแตก"
    html_only["Message-ID"] = "<html@example.test>"
    send(smtp, html_only)
    first = Complaint.objects.get(customer_email="a@example.test")
    assert first.description.startswith("น้ำขุ่น") and "น้ำขุ่นเป็นสีแดง" in first.description
    assert first.branch.code == "khon-kaen"
    second = Complaint.objects.get(customer_email="b@example.test")
    assert "หน้าบ้าน & ถนน" in second.description and "<p>" not in second.description


def test_a_reply_joins_its_complaint(smtp):
    send(smtp, mail("น้ำไม่ไหล", "น้ำไม่ไหลทั้งซอย", message_id="<first@example.test>"))
    complaint = Complaint.objects.get()
    send(
        smtp,
        mail(
            "Re: น้ำไม่ไหล",
            "ตอนนี้น้ำยังไม่ไหลเลย\n> น้ำไม่ไหลทั้งซอย",
            message_id="<second@example.test>",
            In_Reply_To="<first@example.test>",
        ),
    )
    # A reply to Tanjai's notice carries the tracking number in its subject.
    send(
        smtp,
        mail(f"Re: กปภ. รับเรื่อง {complaint.tracking_no} แล้ว", "ขอบคุณครับ", message_id="<3@e.t>"),
    )
    # The same number from someone else is a new complaint, not an addition to this one.
    send(
        smtp,
        mail(
            f"Re: {complaint.tracking_no}",
            "ข้อความจากคนอื่น",
            sender="other@example.test",
            message_id="<4@e.t>",
        ),
    )
    assert Complaint.objects.count() == 2
    notes = list(
        Event.objects.filter(complaint=complaint, action="customer_message").values_list(
            "note", flat=True
        )
    )
    assert notes == ["ตอนนี้น้ำยังไม่ไหลเลย", "ขอบคุณครับ"]  # the quoted line left out


def deliver(port: int, raw: bytes) -> tuple[int, str]:
    """One SMTP conversation; the listener's answer to the message (250, 4xx or 5xx)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo()
        client.mail("sender@example.test")
        client.rcpt("complaints@pwa.test")
        code, answer = client.data(raw)
    return code, answer.decode(errors="replace")


def raw_mail(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n" + body


THAI = "น้ำไม่ไหลมาสามวัน ซอยวัดใหม่ จังหวัดชลบุรี"


def test_mail_with_a_nul_or_an_unknown_charset_is_stored_as_far_as_it_reads(smtp):
    nul = raw_mail(
        "From: a@example.test\nSubject: =?utf-8?q?=E0=B8=99=E0=B9=89=E0=B8=B3?=\x00\n"
        "Message-ID: <nul@example.test>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n",
        THAI.encode() + b"\x00 end\r\n",
    )
    klingon = raw_mail(
        "From: b@example.test\nSubject: water\nMessage-ID: <charset@example.test>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=x-klingon\n"
        "Content-Transfer-Encoding: 8bit\n",
        THAI.encode() + b"\r\n",
    )
    assert deliver(smtp, nul)[0] == 250
    assert deliver(smtp, klingon)[0] == 250
    first = Complaint.objects.get(customer_email="a@example.test")
    assert "\x00" not in first.description
    assert THAI in first.description and "\ufffd end" in first.description
    # A charset no one knows: the bytes are read as UTF-8, which they are.
    second = Complaint.objects.get(customer_email="b@example.test")
    assert THAI in second.description


def test_an_attachment_named_with_a_nul_is_stored_under_a_readable_name(smtp):
    raw = RFC2231_MAIL.format(
        body="4LiZ4LmJ4Liz4LmE4Lih4LmI4LmE4Lir4Lil",  # น้ำไม่ไหล
        name="%E0%B8%9A%E0%B8%B4%E0%B8%A5%00.pdf",  # บิล, a NUL, .pdf
        pdf="JVBERi0xLjQKMDAwMDAwMDA=",
    ).replace("rfc2231@", "nul-name@")
    assert deliver(smtp, raw.encode())[0] == 250
    attachment = Attachment.objects.get()
    assert attachment.original_name == "บิล\ufffd.pdf"


def test_thai_without_a_content_type_is_read_as_utf8_then_as_thai_windows(smtp):
    plain = raw_mail(
        "From: c@example.test\nSubject: x\nMessage-ID: <bare8@example.test>\n", THAI.encode()
    )
    legacy = raw_mail(
        "From: d@example.test\nSubject: x\nMessage-ID: <bare874@example.test>\n",
        "น้ำขุ่น ขอนแก่น".encode("cp874"),
    )
    assert deliver(smtp, plain)[0] == 250
    assert deliver(smtp, legacy)[0] == 250
    assert THAI in Complaint.objects.get(customer_email="c@example.test").description
    assert "น้ำขุ่น ขอนแก่น" in Complaint.objects.get(customer_email="d@example.test").description


def test_a_reply_from_another_address_does_not_join_the_complaint(smtp):
    send(smtp, mail("น้ำไม่ไหล", "น้ำไม่ไหลทั้งซอย", message_id="<own@example.test>"))
    complaint = Complaint.objects.get()
    send(
        smtp,
        mail(
            "Re: น้ำไม่ไหล",
            "ข้อความจากคนอื่นที่อ้างถึงเรื่องนี้",
            sender="stranger@example.test",
            message_id="<stranger@example.test>",
            In_Reply_To="<own@example.test>",
            References="<own@example.test>",
        ),
    )
    assert Complaint.objects.count() == 2
    assert not Event.objects.filter(complaint=complaint, action="customer_message").exists()
    other = Complaint.objects.exclude(pk=complaint.pk).get()
    assert other.customer_email == "stranger@example.test"
    # The same address in another case still joins its own complaint.
    send(
        smtp,
        mail(
            "Re: น้ำไม่ไหล",
            "ยังไม่ไหล",
            sender="SOMCHAI@Example.test",
            message_id="<own-2@example.test>",
            In_Reply_To="<own@example.test>",
        ),
    )
    assert Event.objects.filter(complaint=complaint, action="customer_message").count() == 1


def test_mail_that_would_fail_every_time_is_refused_for_good_with_a_reason(smtp, settings):
    settings.EMAIL_INTAKE_BRANCH = "no-such-branch"  # where a mail naming no province goes
    code, answer = deliver(
        smtp, raw_mail("From: e@example.test\nSubject: x\nMessage-ID: <f@e.t>\n", b"water")
    )
    assert code == 554 and "branch" in answer  # not 451: the sending server stops trying
    assert not Complaint.objects.exists()
    settings.EMAIL_INTAKE_BRANCH = "chonburi"
    assert deliver(
        smtp, raw_mail("From: e@example.test\nSubject: x\nMessage-ID: <f@e.t>\n", b"water")
    ) == (250, "Message accepted")


def test_a_sender_address_that_is_no_address_is_left_out(smtp):
    raw = raw_mail("From: Somchai <somchai at home>\nSubject: x\nMessage-ID: <g@e.t>\n", b"leak")
    assert deliver(smtp, raw)[0] == 250
    complaint = Complaint.objects.get()
    assert complaint.customer_email == "" and "leak" in complaint.description


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL to cut off")
def test_only_a_database_that_is_down_means_try_again_later(smtp):
    from tanjai.testing.outage import database_down

    def message(n: int) -> bytes:
        return raw_mail(f"From: h@example.test\nSubject: x\nMessage-ID: <down{n}@e.t>\n", b"leak")

    assert deliver(smtp, message(1))[0] == 250  # the listener has its connection
    with database_down():
        code, answer = deliver(smtp, message(2))
    assert code == 451 and "try again later" in answer
    # Back: the same message again, and another, are stored (no dead connection kept).
    assert deliver(smtp, message(2))[0] == 250
    assert deliver(smtp, message(3))[0] == 250
    assert Complaint.objects.filter(customer_email="h@example.test").count() == 3
