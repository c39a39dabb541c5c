"""The backup drill: the database and the uploads saved, restored into a new, empty
database elsewhere, checked against what was saved, and served from there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def tanjai(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tanjai.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def base_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update({"SECRET_KEY": "backup-drill-" + uuid.uuid4().hex, "LOG_LEVEL": "WARNING"})
    return env


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_and_serves(tmp_path, reseed, register, persona):
    import io

    from django.utils import timezone

    from tanjai.complaints.attachments import attachment_add

    source_env = base_env(tmp_path)
    target_env = base_env(tmp_path)
    target_media = tmp_path / "restored-media"
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        complaint = register()
        photo = io.BytesIO(b"%PDF-1.4 a letter")
        photo.name = "letter.pdf"
        attachment_add(actor=persona("call_centre"), tracking_no=complaint.tracking_no,
                       upload=photo, kind="document", now=timezone.now())  # fmt: skip
        source_env.update(DATABASE_URL=f"{url}/{db['NAME']}", MEDIA_ROOT=str(settings.MEDIA_ROOT))
        target_name = f"tanjai_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {target_name}")
        target_env.update(DATABASE_URL=f"{url}/{target_name}", MEDIA_ROOT=str(target_media))
    else:  # the embedded default: a SQLite file of its own, filled by the demo
        source_env.update(TANJAI_DATA_DIR=str(tmp_path / "source"))
        made = tanjai("migrate", "-v0", env=source_env)
        assert made.returncode == 0, made.stderr
        demo = tanjai("seed-demo", "--complaints", "30", "--batch", "30", env=source_env)
        assert demo.returncode == 0, demo.stderr
        target_env.update(TANJAI_DATA_DIR=str(tmp_path / "target"), MEDIA_ROOT=str(target_media))
        target_name = ""
    try:
        saved = tanjai("backup", str(tmp_path / "backup"), env=source_env)
        assert saved.returncode == 0, saved.stderr
        manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
        assert manifest["counts"]["complaints_complaint"] > 0

        restored = tanjai("restore", str(tmp_path / "backup"), env=target_env)
        assert restored.returncode == 0, restored.stderr
        assert "restored and checked" in restored.stdout
        # Tanjai serves the restored data: nothing left to migrate, the same complaints.
        check = tanjai("migrate", "--check", env=target_env)
        assert check.returncode == 0, check.stdout + check.stderr
        count = tanjai("shell", "-c", "from tanjai.complaints.models import Complaint, Attachment;"
                       "print(Complaint.objects.count(), Attachment.objects.count(),"
                       " all(a.file.storage.exists(a.file.name) for a in Attachment.objects.all()))",
                       env=target_env)  # fmt: skip
        n, files, present = count.stdout.split()[-3:]
        assert int(n) == manifest["counts"]["complaints_complaint"]
        assert int(files) == manifest["counts"]["complaints_attachment"] and present == "True"
        # A second restore into the now full database is refused, not merged.
        again = tanjai("restore", str(tmp_path / "backup"), env=target_env)
        assert again.returncode != 0 and "not empty" in again.stderr
        # A damaged backup is refused before anything is loaded.
        (tmp_path / "backup" / "media.tar").write_bytes(b"damaged")
        damaged = tanjai("restore", str(tmp_path / "backup"), env=target_env)
        assert damaged.returncode != 0 and "checksum" in damaged.stderr
    finally:
        if target_name:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {target_name} WITH (FORCE)")
