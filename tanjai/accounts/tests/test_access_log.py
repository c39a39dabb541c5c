"""The personal-data access log (PDPA): every look at a person's data is in it, including a
look-up of a customer's earlier complaints and an import's rejected rows; and on PostgreSQL
it cannot be changed or deleted, but by the retention job."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from tanjai.accounts.models import PersonalDataAccess
from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_customer_look_up_is_a_look_at_each_earlier_complaint(register):
    earlier = [register(), register()]
    officer = signed_in("chonburi_officer")
    before = PersonalDataAccess.objects.count()
    answer = officer.post("/staff/new/customer/", {"customer_phone": "0812345678"})
    assert all(c.tracking_no in answer.content.decode() for c in earlier)
    logged = PersonalDataAccess.objects.filter(purpose="customer look-up")
    assert PersonalDataAccess.objects.count() - before == 2 == logged.count()
    assert {a.complaint_id for a in logged} == {c.pk for c in earlier}
    # The phone number never travels in a URL: the look-up is asked by POST only.
    assert officer.get("/staff/new/customer/", {"customer_phone": "0812345678"}).status_code == 405


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger")
def test_the_log_cannot_be_changed_or_deleted_but_by_retention(register, persona):
    from tanjai.accounts.services import personal_data_access_log

    complaint = register()
    personal_data_access_log(
        user_id=persona("chonburi_centre").user_id, complaint_id=complaint.pk, via="web"
    )
    row = PersonalDataAccess.objects.latest("pk")
    with pytest.raises(DatabaseError), transaction.atomic():
        PersonalDataAccess.objects.filter(pk=row.pk).update(purpose="nothing to see")
    with pytest.raises(DatabaseError), transaction.atomic():
        PersonalDataAccess.objects.filter(pk=row.pk).delete()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL tanjai.retention = 'on'")
        PersonalDataAccess.objects.filter(pk=row.pk).delete()
    assert not PersonalDataAccess.objects.filter(pk=row.pk).exists()
