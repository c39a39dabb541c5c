"""Work queues in the staff application (server-rendered, HTMX for filters)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_new_queue_lists_the_branch_complaints_due_soonest_first(client, register):
    with time_machine.travel(
        datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok")), tick=False
    ):
        billing = register(
            category="billing_meter", subcategory="high_bill", description="ค่าน้ำแพงผิดปกติ"
        )
        supply = register(description="น้ำไม่ไหลทั้งซอย")
    register(branch="khon-kaen", location=None, description="เรื่องของขอนแก่น")
    page = signed_in(client, "chonburi_centre").get("/staff/queues/to_forward/").content.decode()
    assert page.index(supply.tracking_no) < page.index(billing.tracking_no)  # 24 h before 7 days
    assert "เรื่องของขอนแก่น" not in page
    assert "2 ข้อร้องเรียน" in page or "2 complaints" in page
    assert "เกินกำหนด" in page  # both are long overdue by now


def test_filters_answer_htmx_with_the_rows_only(client, register):
    register(description="น้ำขุ่นเป็นตะกอน", category="quality", subcategory="turbid")
    register(description="ท่อแตกหน้าบ้าน", category="leak", subcategory="main_burst")
    c = signed_in(client, "chonburi_centre")
    partial = c.get(
        "/staff/queues/to_forward/", {"category": "leak"}, headers={"HX-Request": "true"}
    )
    html = partial.content.decode()
    assert "<html" not in html and "ท่อแตกหน้าบ้าน" in html and "น้ำขุ่น" not in html
    found = c.post("/staff/queues/to_forward/", {"q": "ตะกอน"}).content.decode()
    assert "น้ำขุ่นเป็นตะกอน" in found and "ท่อแตกหน้าบ้าน" not in found


def test_a_search_never_travels_in_the_url(client, register):
    """What is searched for is often a phone number: sent by POST, never in a URL (browser
    histories, proxies and server logs keep those)."""
    register(description="น้ำขุ่นเป็นตะกอน", category="quality", subcategory="turbid")
    register(description="ท่อแตกหน้าบ้าน", category="leak", subcategory="main_burst")
    for _ in range(26):
        register(description="น้ำขุ่นเป็นตะกอนอีกครั้ง", category="quality", subcategory="turbid")
    c = signed_in(client, "chonburi_centre")
    page = c.get("/staff/queues/to_forward/").content.decode()
    form = re.search(r'<form class="filters"[^>]*>', page).group(0)
    assert 'method="post"' in form and "hx-get" not in form and "hx-push-url" not in form
    ignored = c.get("/staff/queues/to_forward/", {"q": "ตะกอน"}).content.decode()
    assert "ท่อแตกหน้าบ้าน" in ignored  # a search in the URL is not taken
    found = c.post("/staff/queues/to_forward/", {"q": "ตะกอน"}).content.decode()
    assert "ท่อแตกหน้าบ้าน" not in found and "?q=" not in found
    # The next page keeps the search, by POST too.
    pager = re.search(r'<form class="pager".*?</form>', found, flags=re.S).group(0)
    assert 'name="q" value="ตะกอน"' in pager and 'method="post"' in pager
    second = c.post("/staff/queues/to_forward/", {"q": "ตะกอน", "page": 2}).content.decode()
    assert second.count("data-tracking-no=") == 27 - 25 and "ท่อแตกหน้าบ้าน" not in second
    # A value that is not a choice is ignored, not an error page.
    assert c.get("/staff/queues/to_forward/", {"category": "volcano"}).status_code == 200
    assert c.get("/staff/queues/nonsense/").status_code == 404


def test_readers_without_identity_rights_see_masked_text(client, register):
    register(description="น้ำไม่ไหล โทร 081-234-5678")
    page = signed_in(client, "analyst").get("/staff/queues/to_forward/").content.decode()
    assert "[เบอร์โทร]" in page and "081-234-5678" not in page


def test_queues_page_through_many_complaints(client, register):
    for _ in range(30):
        register()
    c = signed_in(client, "chonburi_centre")
    first = c.get("/staff/queues/to_forward/").content.decode()
    second = c.get("/staff/queues/to_forward/", {"page": 2}).content.decode()
    assert first.count("data-tracking-no=") == 25 and second.count("data-tracking-no=") == 5


def test_the_queues_need_a_signed_in_user(client):
    assert client.get("/staff/queues/to_forward/").status_code == 302


def test_badges_come_from_the_stored_deadline():
    from tanjai.complaints.selectors import sla_badge

    now = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    assert sla_badge(now - timedelta(minutes=1), now=now, is_open=True) == "overdue"
    assert sla_badge(now + timedelta(hours=3), now=now, is_open=True) == "due_soon"
    assert sla_badge(now + timedelta(hours=5), now=now, is_open=True) == "on_time"
    assert sla_badge(now - timedelta(hours=5), now=now, is_open=False) == ""


def test_the_dashboard_counts_in_the_database_and_a_region_sees_its_branches(client, register):
    register()
    register()
    register(branch="pattaya", location=None)
    register(branch="khon-kaen", location=None)
    page = signed_in(client, "chonburi_manager").get("/staff/dashboard/").content.decode()
    assert (
        '<div class="card tile" data-figure="today"><span>รับเรื่องวันนี้</span><strong>2</strong>'
        in page
    )
    assert "dashboard-data" in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "กปภ.สาขาพัทยา" not in page  # one branch: no per-branch table
    client.logout()
    region = signed_in(client, "region1").get("/staff/dashboard/").content.decode()
    assert "<strong>3</strong>" in region and "กปภ.สาขาพัทยา" in region and "ขอนแก่น" not in region
