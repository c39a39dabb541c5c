"""Step 4: a promise later than the SLA's resolve deadline is refused, and the refusal says
which rule, which deadline, and that a reason allows the later date."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tanjai.complaints.models import Complaint
from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db

BKK = ZoneInfo("Asia/Bangkok")
# A no-water complaint taken at 16:30 on 30 November 2026 must be resolved within 24 hours:
# by 1 December 2026 16:30, Bangkok time (1 ธ.ค. 2569 16:30 in the Buddhist Era).
RECEIVED = datetime(2026, 11, 30, 16, 30, tzinfo=BKK)
LATE = "2026-12-03T10:00:00+07:00"


@pytest.fixture
def forwarded(register, advance):
    with time_machine.travel(RECEIVED, tick=False):
        complaint = advance(register(), "forward")
    assert complaint.resolve_due_at == datetime(2026, 12, 1, 16, 30, tzinfo=BKK)
    return complaint


def test_the_api_names_the_rule_and_the_deadline_on_promised_at(api, forwarded):
    centre = api("chonburi_centre")
    body = {"plan": "รอท่อจากเขต", "promised_at": LATE, "contact_method": "phone"}
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=BKK), tick=False):
        english = centre.act(forwarded.tracking_no, "inform_customer", body)
        thai = centre.act(
            forwarded.tracking_no, "inform_customer", body, headers={"Accept-Language": "th"}
        )
    assert english.status_code == 400
    refusal = english.json()
    [message] = refusal["errors"]["promised_at"]
    assert "SLA" in message and "1 Dec 2026 16:30" in message
    assert "reason" in message  # a later date is allowed with a reason, and it says so
    assert "1 Dec 2026 16:30" in refusal["detail"]
    [thai_message] = thai.json()["errors"]["promised_at"]
    assert thai_message.startswith("วันที่นัดต้องไม่เกินกำหนดแก้ไขตาม SLA (1 ธ.ค. 2569 16:30)")
    assert "เหตุผล" in thai_message
    assert Complaint.objects.get(pk=forwarded.pk).promised_at is None


def test_the_page_shows_the_refusal_on_the_field_and_keeps_what_was_typed(client, forwarded):
    assert client.login(username="chonburi_centre", password=PASSWORD)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=BKK), tick=False):
        response = client.post(
            f"/staff/complaints/{forwarded.tracking_no}/actions/inform_customer/",
            {
                "version": str(forwarded.version),
                "plan": "รอท่อจากเขต",
                "promised_at": "2026-12-03T10:00",
                "contact_method": "sms",
            },
            headers={"HX-Request": "true"},
        )
    page = response.content.decode()
    field = re.search(
        r'<input id="inform_customer-promised_at"[^>]*>', page, flags=re.DOTALL
    ).group(0)
    assert 'value="2026-12-03T10:00"' in field and 'aria-invalid="true"' in field
    described = re.search(r'aria-describedby="([^"]+)"', field).group(1)
    message = re.search(rf'id="{described}"[^>]*>(.*?)</p>', page, flags=re.DOTALL).group(1)
    assert "วันที่นัดต้องไม่เกินกำหนดแก้ไขตาม SLA (1 ธ.ค. 2569 16:30)" in message
    assert "รอท่อจากเขต" in page and '<option value="sms" selected>' in page
    # Only the field refused is marked.
    plan = re.search(r'<textarea id="inform_customer-plan"[^>]*>', page).group(0)
    assert "aria-invalid" not in plan


def test_with_a_reason_the_later_promise_is_kept(api, forwarded):
    centre = api("chonburi_centre")
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=BKK), tick=False):
        response = centre.act(
            forwarded.tracking_no,
            "inform_customer",
            {
                "plan": "รอท่อจากเขต",
                "promised_at": LATE,
                "contact_method": "phone",
                "late_reason": "ท่อขนาดนี้ต้องสั่งจากเขต",
            },
        )
    assert response.status_code == 200, response.content
    assert Complaint.objects.get(pk=forwarded.pk).promised_at == datetime(
        2026, 12, 3, 10, 0, tzinfo=BKK
    )
