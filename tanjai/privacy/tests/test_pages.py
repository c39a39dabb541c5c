"""The data protection officer's pages: every other role is refused; the officer records a
request, sees what matches, confirms, downloads the copy and carries it out, with the
deadline and the log on the page."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tanjai.conftest import PASSWORD, PERSONAS
from tanjai.privacy.models import DataSubjectRequest, RequestKind, RequestStep, StepKind
from tanjai.privacy.person import PersonKeys
from tanjai.privacy.services import request_create

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_every_other_role_is_refused_every_page(dpo):
    request = request_create(
        actor=dpo, kind=RequestKind.ACCESS, keys=PersonKeys.of(phone="0812345678")
    )
    paths = [
        reverse("privacy-requests"),
        reverse("privacy-request", args=[request.pk]),
        reverse("privacy-request-copy", args=[request.pk]),
    ]
    for username, _role, _scope in PERSONAS:  # every role, the administrator included
        client = _client(username)
        for path in paths:
            assert client.get(path).status_code == 403, (username, path)
        assert client.post(paths[0], {"kind": "access", "phone": "0812345678"}).status_code == 403
        assert client.post(paths[1], {"form": "refuse", "reason": "x"}).status_code == 403
    assert Client().get(paths[0]).status_code == 302  # signed out: to the sign-in page
    officer = _client("dpo")
    assert officer.get(paths[0]).status_code == 200
    assert officer.get(paths[1]).status_code == 200
    assert 'href="/staff/privacy/"' in officer.get("/staff/").content.decode()
    assert 'href="/staff/privacy/"' not in _client("admin").get("/staff/").content.decode()


def test_the_officer_takes_a_request_for_a_copy_from_start_to_finish(world, dpo):
    client = _client("dpo")
    refused = client.post(reverse("privacy-requests"), {"kind": "access", "received_on": "x"})
    assert refused.status_code == 400 and not DataSubjectRequest.objects.exists()
    response = client.post(
        reverse("privacy-requests"),
        {
            "kind": "access",
            "received_on": timezone.localdate().strftime("%d/%m/")
            + str(timezone.localdate().year + 543),
            "phone": "081-234-5678",
            "note": "จดหมาย",
        },
    )
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/privacy/{request.pk}/"
    assert request.subject_phone == "0812345678"
    page = client.get(response["Location"]).content.decode()
    assert world.by_phone.tracking_no in page and world.other.tracking_no not in page
    assert "นาย สมชาย ใจดี" in page  # the officer sees whose it is, to confirm it
    listing = client.get(reverse("privacy-requests")).content.decode()
    assert request.number in listing and "data-overdue>" not in listing

    client.post(
        response["Location"],
        {"form": "confirm", "complaint": [world.by_phone.pk], "import_row": [world.import_row.pk]},
    )
    copy = client.get(reverse("privacy-request-copy", args=[request.pk]))
    assert copy.status_code == 200 and copy["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(copy.content)).read("data.json"))
    assert [c["tracking_no"] for c in data["complaints"]] == [world.by_phone.tracking_no]
    done = client.post(response["Location"], {"form": "carry_out"})
    assert done.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page
    assert list(RequestStep.objects.filter(request=request).values_list("step", flat=True)) == [
        StepKind.RECEIVED,
        StepKind.PREVIEWED,
        StepKind.CONFIRMED,
        StepKind.COPY_MADE,
        StepKind.CARRIED_OUT,
    ]
    assert page.count('data-step="') == 5


def test_the_list_flags_the_requests_past_their_deadline(dpo):
    keys = PersonKeys.of(phone="0812345678")
    late = request_create(
        actor=dpo,
        kind=RequestKind.ERASE,
        keys=keys,
        received_at=timezone.now() - timedelta(days=31),
    )
    soon = request_create(
        actor=dpo,
        kind=RequestKind.ACCESS,
        keys=keys,
        received_at=timezone.now() - timedelta(days=27),
    )
    page = _client("dpo").get(reverse("privacy-requests")).content.decode()
    row = page.split(f'data-request="{late.pk}"')[1].split("</tr>")[0]
    assert "data-overdue>" in row
    row = page.split(f'data-request="{soon.pk}"')[1].split("</tr>")[0]
    assert "data-overdue>" not in row and "due_soon" in row
    assert "<strong data-overdue-count>1</strong>" in page


def test_a_complaint_found_by_the_name_alone_is_not_ticked_at_first(world, dpo, register):
    """A namesake: the same name, another phone. The officer may add it, not overlook it."""
    namesake = register(customer={"name": "สมชาย ใจดี", "phone": "0866666666"})
    client = _client("dpo")
    response = client.post(
        reverse("privacy-requests"),
        {
            "kind": "access",
            "received_on": timezone.localdate().strftime("%d/%m/")
            + str(timezone.localdate().year + 543),
            "phone": "081-234-5678",
            "name": "สมชาย ใจดี",
        },
    )
    page = client.get(response["Location"]).content.decode()
    boxes = dict(
        re.findall(r'<input type="checkbox" name="complaint" value="(\d+)"[^>]*?( checked)?>', page)
    )
    assert boxes[str(namesake.pk)] == "" and boxes[str(world.by_phone.pk)] == " checked"
