"""A file's own name may carry the complainant's name and phone number: it is shown, and
kept in the stored path, for no one who may not see who the customer is (PDPA)."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from PIL import Image

from tanjai.complaints.models import Attachment
from tanjai.conftest import new_complaint_payload

pytestmark = pytest.mark.django_db

SECRET_NAME = "ร้องเรียน_ผู้ร้องลับ_0811111111.pdf"


def upload(api, who: str, number: str, name: str, content: bytes, kind: str):
    f = io.BytesIO(content)
    f.name = name
    caller = api(who)
    return caller.client.post(
        f"/api/v1/complaints/{number}/attachments",
        {"file": f, "kind": kind},
        headers=caller.headers,
    )


def names_seen(api, who: str, number: str) -> str:
    """Everything the API tells this reader about the complaint, as text."""
    response = api(who).get(f"/complaints/{number}")
    assert response.status_code == 200, (who, response.status_code)
    return json.dumps(response.json(), ensure_ascii=False)


def test_the_api_gives_a_files_own_name_only_to_those_who_see_the_customer(api, advance, persona):
    officer = api("call_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    assert (
        upload(api, "call_centre", number, SECRET_NAME, b"%PDF-1.4 letter", "document").status_code
        == 201
    )
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 255)).save(buf, "PNG")
    photo = buf.getvalue()
    assert (
        upload(
            api, "call_centre", number, "บ้านนายสมชาย_0899999999.png", photo, "before"
        ).status_code
        == 201
    )
    for reader in ("analyst", "committee", "evaluator"):
        seen = names_seen(api, reader, number)
        assert "0811111111" not in seen and "ผู้ร้องลับ" not in seen, reader
        assert "0899999999" not in seen and "สมชาย" not in seen, reader
        attachments = api(reader).get(f"/complaints/{number}").json()["attachments"]
        assert [a["name"] for a in attachments] == [
            f"{number}-{a['id']}.{'pdf' if a['kind'] == 'document' else 'png'}" for a in attachments
        ]
    # Those handling the customer see the names as sent.
    assert SECRET_NAME in names_seen(api, "chonburi_centre", number)


def test_a_staff_conduct_complaint_hides_its_files_names_from_the_centre_and_region(api, persona):
    officer = api("call_centre")
    payload = new_complaint_payload(category="service_conduct", subcategory="")
    payload.pop("subcategory")
    created = officer.post("/complaints", payload)
    assert created.status_code == 201, created.content
    number = created.json()["tracking_no"]
    assert (
        upload(api, "call_centre", number, SECRET_NAME, b"%PDF-1.4 letter", "document").status_code
        == 201
    )
    for reader in ("chonburi_centre", "region1", "chonburi_officer"):
        seen = api(reader).get(f"/complaints/{number}")
        if seen.status_code == 404:
            continue  # not theirs to see at all
        body = json.dumps(seen.json(), ensure_ascii=False)
        assert seen.json()["customer"] == "hidden", reader
        assert "0811111111" not in body and "ผู้ร้องลับ" not in body, reader
    # The officer who took it and the branch manager see who it is, and the name.
    assert SECRET_NAME in names_seen(api, "chonburi_manager", number)


def test_the_stored_path_carries_no_name(api):
    officer = api("call_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    upload(api, "call_centre", number, SECRET_NAME, b"%PDF-1.4 letter", "document")
    stored = Attachment.objects.get(complaint__tracking_no=number)
    assert stored.original_name == SECRET_NAME
    assert "0811111111" not in stored.file.name and "ผู้ร้อง" not in stored.file.name
    assert stored.file.name == f"complaints/{number}/{stored.sha256[:32]}.pdf"
    assert (settings.MEDIA_ROOT / stored.file.name).exists()


def test_files_stored_under_their_names_before_are_moved(api):
    import importlib

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    officer = api("call_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    upload(api, "call_centre", number, SECRET_NAME, b"%PDF-1.4 letter", "document")
    stored = Attachment.objects.get(complaint__tracking_no=number)
    old = default_storage.save(
        f"complaints/{number}/{stored.sha256[:16]}-{SECRET_NAME}", ContentFile(b"%PDF-1.4 letter")
    )
    default_storage.delete(stored.file.name)
    Attachment.objects.filter(pk=stored.pk).update(file=old)

    migration = importlib.import_module(
        "tanjai.complaints.migrations.0006_attachment_paths_without_names"
    )
    migration.rename(apps, None)
    stored.refresh_from_db()
    assert stored.file.name == f"complaints/{number}/{stored.sha256[:32]}.pdf"
    assert not default_storage.exists(old) and default_storage.exists(stored.file.name)
    assert stored.file.open("rb").read() == b"%PDF-1.4 letter"
