"""Complaints by e-mail, through a real SMTP conversation: smtplib sends to Tanjai's own
listener (aiosmtpd) on loopback, which stores each message before answering 250."""

from __future__ import annotations

import smtplib
import socket
from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText

import pytest

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
