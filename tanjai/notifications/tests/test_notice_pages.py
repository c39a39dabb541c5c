"""The centre's side of the notices: the telephone task on the complaint page and on the home
page, the survey link and its printable QR card, and the local SMS outbox."""

from __future__ import annotations

import re
from html import unescape

import pytest
import segno

from tanjai.complaints.models import Event
from tanjai.complaints.services import complaint_act
from tanjai.conftest import PASSWORD
from tanjai.notifications.models import LocalSms, Notification, NotificationStatus
from tanjai.notifications.tasks import notification_deliver
from tanjai.portal.survey import survey_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_sms(settings):
    settings.SMS_GATEWAY_URL, settings.SMS_BACKEND, settings.SMS_BACKEND_DEFAULT = "", "", "none"


def as_(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def page_of(client, complaint) -> str:
    return client.get(f"/staff/complaints/{complaint.tracking_no}/").content.decode()


def notices_section(html: str) -> str:
    return html.split('id="notices"')[1].split('id="related"')[0]


def paper_css(client, html: str) -> str:
    """The survey card's style sheet for its paper (the CSP keeps styles out of the page)."""
    href = re.search(r'href="([^"]*/survey-card-a[46][^"]*\.css)"', html).group(1)
    return b"".join(client.get(href).streaming_content).decode()


def closed_unreached(register, persona, advance, **overrides):
    complaint = advance(register(**overrides), "verify")
    return complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="close",
        data={"customer_reached": False},
    )


def test_the_centre_sees_the_telephone_task_with_the_words_and_records_the_call(
    client, no_sms, register
):
    complaint = register(channel="website")
    task = Notification.objects.get(complaint=complaint, to_customer=True)
    home = as_(client, "chonburi_centre").get("/staff/").content.decode()
    assert 'data-telephone-tasks="1"' in home and "/staff/telephone/" in home
    listed = client.get("/staff/telephone/").content.decode()
    assert f'data-tracking-no="{complaint.tracking_no}"' in listed
    assert "0812345678" not in listed  # the list names no customer

    notices = notices_section(page_of(client, complaint))
    assert "รอแจ้งทางโทรศัพท์" in notices and "ยังไม่มี" not in notices
    assert 'href="tel:0812345678"' in notices
    words = re.search(r"<blockquote data-words>(.*?)</blockquote>", notices, re.S).group(1)
    assert complaint.tracking_no in words and unescape(words).strip() == task.body
    assert f"/notices/{task.pk}/told/" in notices

    # Another branch sees nothing of it; an analyst sees the task but not the customer.
    assert (
        'data-telephone-tasks="0"' in as_(client, "khonkaen_centre").get("/staff/").content.decode()
    )
    assert client.get(f"/staff/complaints/{complaint.tracking_no}/").status_code == 404
    analyst = notices_section(page_of(as_(client, "analyst"), complaint))
    assert "รอแจ้งทางโทรศัพท์" in analyst and "0812345678" not in analyst
    assert "/told/" not in analyst and "data-words" not in analyst
    assert client.get("/staff/telephone/").status_code == 404

    as_(client, "chonburi_centre")
    unsaid = client.post(f"/staff/complaints/{complaint.tracking_no}/notices/{task.pk}/told/", {})
    assert unsaid.status_code == 400  # neither "reached" nor "not reached": nothing recorded
    task.refresh_from_db()
    assert task.status == NotificationStatus.TO_TELL
    answer = client.post(
        f"/staff/complaints/{complaint.tracking_no}/notices/{task.pk}/told/",
        {"reached": "yes", "note": "แจ้งเลขที่เรื่องแล้ว"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    told = notices_section(answer.content.decode())
    assert "เจ้าหน้าที่แจ้งแล้ว · โทรศัพท์" in re.sub(r"<[^>]+>", "", told)
    assert "/told/" not in told
    task.refresh_from_db()
    assert task.status == NotificationStatus.TOLD
    contact = Event.objects.get(complaint=complaint, action="contact_log")
    assert contact.note == "แจ้งเลขที่เรื่องแล้ว" and contact.actor.username == "chonburi_centre"
    assert 'data-telephone-tasks="0"' in client.get("/staff/").content.decode()
    # Someone outside the branch cannot record a call on it.
    assert (
        as_(client, "khonkaen_centre")
        .post(
            f"/staff/complaints/{complaint.tracking_no}/notices/{task.pk}/told/", {"reached": "yes"}
        )
        .status_code
        == 404
    )


def test_a_customer_with_no_way_to_reach_is_named_as_such(client, no_sms, register):
    complaint = register(channel="website", customer={"name": "คุณบี"})
    assert not Notification.objects.filter(complaint=complaint).exists()
    notices = notices_section(page_of(as_(client, "chonburi_centre"), complaint))
    assert "ไม่ได้ให้เบอร์โทรศัพท์ อีเมล หรือแชต" in notices


def test_a_closed_complaint_without_a_score_offers_the_survey_link_and_its_qr_card(
    client, no_sms, register, persona, advance
):
    complaint = closed_unreached(register, persona, advance)
    notices = notices_section(page_of(as_(client, "chonburi_centre"), complaint))
    link = re.search(r'value="(https?://[^"]+/survey/[^"]+/)"', notices).group(1)
    assert survey_complaint(link.split("/survey/")[1].rstrip("/")).pk == complaint.pk
    card_url = f"/staff/complaints/{complaint.tracking_no}/survey/print/"
    assert card_url in notices

    card = client.get(card_url)
    assert card.status_code == 200
    html = card.content.decode()
    printed = re.search(r'<p class="url" id="survey-url">([^<]+)</p>', html).group(1)
    assert survey_complaint(printed.split("/survey/")[1].rstrip("/")).pk == complaint.pk
    assert complaint.tracking_no in html and "@page { size: 105mm 148mm" in paper_css(client, html)
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    # The QR code's modules are those of the printed link, and of nothing else.
    drawn = re.search(r' d="([^"]+)"', svg).group(1)
    expected = segno.make(printed, error="m").svg_inline(omitsize=True)
    assert drawn == re.search(r' d="([^"]+)"', expected).group(1)
    other = segno.make(printed.replace("/survey/", "/survey/x"), error="m").svg_inline()
    assert drawn != re.search(r' d="([^"]+)"', other).group(1)
    a4 = client.get(card_url + "?paper=a4").content.decode()
    assert "@page { size: A4" in paper_css(client, a4)

    # Only the centre of the complaint's branch prints it.
    for username in ("khonkaen_centre", "analyst", "chonburi_tech"):
        assert as_(client, username).get(card_url).status_code == 404, username
    assert 'id="survey-link"' not in notices_section(page_of(as_(client, "analyst"), complaint))


def test_no_survey_link_once_the_customer_gave_a_score(client, register, advance):
    complaint = advance(register(), "close")  # scored 4 on the telephone
    as_(client, "chonburi_centre")
    assert 'id="survey-link"' not in notices_section(page_of(client, complaint))
    card = f"/staff/complaints/{complaint.tracking_no}/survey/print/"
    assert client.get(card).status_code == 404
    open_one = register()
    assert client.get(f"/staff/complaints/{open_one.tracking_no}/survey/print/").status_code == 404


def test_the_local_outbox_shows_what_the_customer_would_have_received(client, settings, register):
    settings.SMS_GATEWAY_URL, settings.SMS_BACKEND, settings.SMS_BACKEND_DEFAULT = "", "", "local"
    complaint = register()
    notice = Notification.objects.get(complaint=complaint, to_customer=True)
    notification_deliver.call(notice.pk)
    assert LocalSms.objects.count() == 1
    notices = notices_section(page_of(as_(client, "chonburi_centre"), complaint))
    assert "data-local-sms" in notices and "กล่อง SMS" in notices
    assert complaint.tracking_no in notices and "/staff/sms-outbox/" not in notices
    assert client.get("/staff/sms-outbox/").status_code == 404  # numbers of every branch
    assert "/staff/sms-outbox/" not in client.get("/staff/").content.decode()
    assert "/staff/sms-outbox/" in as_(client, "admin").get("/staff/").content.decode()
    outbox = client.get("/staff/sms-outbox/").content.decode()
    assert notice.body in unescape(outbox) and "0812345678" in outbox
    assert "/staff/sms-outbox/" in notices_section(page_of(client, complaint))
