"""A channel officer registers a telephone complaint from the entry form."""

from __future__ import annotations

import pytest

from tanjai.complaints.models import Complaint
from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db

FORM = {
    "channel": "phone",
    "category": "supply",
    "subcategory": "no_water",
    "description": "น้ำไม่ไหลตั้งแต่เช้า",
    "customer_name": "สมศรี มีสุข",
    "customer_phone": "081 234 5678",
    "customer_account_no": "1234567890",
    "address": "99 ถนนสุขุมวิท",
    "lat": "13.361",
    "lon": "100.985",
    "submission": "form-1",
}


def test_a_telephone_complaint_gets_its_tracking_number_read_back(client, register):
    earlier = register()  # the same customer called before
    assert client.login(username="chonburi_officer", password=PASSWORD)
    lookup = client.post("/staff/new/customer/", {"customer_phone": "0812345678"}).content.decode()
    assert earlier.tracking_no in lookup
    response = client.post("/staff/new/", FORM)
    complaint = Complaint.objects.exclude(pk=earlier.pk).get()
    assert response["Location"] == f"/staff/new/{complaint.tracking_no}/"
    page = client.get(response["Location"]).content.decode()
    assert f'data-tracking-no="{complaint.tracking_no}"' in page
    assert complaint.branch.code == "chonburi" and complaint.channel.code == "phone"
    assert complaint.customer_phone == "0812345678" and complaint.lat == 13.361
    # A double click sends the same form again: still one complaint.
    again = client.post("/staff/new/", FORM)
    assert again["Location"] == response["Location"]
    assert Complaint.objects.count() == 2


def test_bad_input_is_explained_and_kept(client):
    assert client.login(username="chonburi_officer", password=PASSWORD)
    response = client.post("/staff/new/", {**FORM, "customer_phone": "12"})
    page = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in page
    assert "customer.phone" in page
    assert "น้ำไม่ไหลตั้งแต่เช้า" in page  # what was typed is kept
    assert Complaint.objects.count() == 0


def test_readers_cannot_register(client):
    assert client.login(username="analyst", password=PASSWORD)
    assert client.get("/staff/new/").status_code == 403
    response = client.post("/staff/new/", FORM)
    assert response.status_code == 403 and Complaint.objects.count() == 0
