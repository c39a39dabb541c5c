"""Backup and restore: the database and the uploads, as one folder that can be restored into
an empty database elsewhere, and checked there against what was saved.

A backup folder holds:
- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (the
  embedded default, through SQLite's own online backup);
- `media.tar` (every uploaded photo and document, as stored);
- `manifest.json`: when, from which database, the row counts of the tables that matter
  and each file's SHA-256.

Restoring loads the dump into an empty database (`pg_restore`, in parallel), unpacks the
uploads, and compares the counts and checksums with the manifest; any difference is an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "tanjai-backup/1"
# What is counted to tell that a restore is whole.
COUNTED = (
    "complaints_complaint",
    "complaints_event",
    "complaints_attachment",
    "dispatch_workorder",
    "notifications_notification",
    "accounts_personaldataaccess",
    "reports_monthlysubmission",
    "auth_user",
)


class BackupError(RuntimeError):
    pass


def _counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in COUNTED:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own table names
        counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(db: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: Mapping[str, Any]) -> list[str]:
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def backup_make(folder: Path, *, say: Callable[[str], None] = print) -> dict[str, Any]:
    """A backup of the running database and the uploads into `folder` (made, must be empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty")
    db = settings.DATABASES["default"]
    started = time.monotonic()
    files = {}
    if connection.vendor == "postgresql":
        dump = folder / "database.dump"
        # The counts and the dump from one snapshot: while Tanjai runs, rows keep coming
        # (the access log grows with every page), and a restore is checked against these.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _counts(cursor)
            command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
            command += [f"--snapshot={snapshot}", *_pg_args(db), "--file", str(dump)]
            command += [f"--dbname={db['NAME']}"]
            # PostgreSQL's own tool, found on PATH; its arguments come from the settings.
            subprocess.run(command, check=True, env=_pg_env(db))  # noqa: S603
    else:
        dump = folder / "database.sqlite3"
        source = sqlite3.connect(str(db["NAME"]))
        target = sqlite3.connect(str(dump))
        with target:
            source.backup(target)  # a consistent copy while the application writes
        source.close()
        counts = _counts(target.cursor())  # counted in the copy itself
        target.close()
    files[dump.name] = _sha256(dump)
    database_seconds = time.monotonic() - started
    say(f"database: {dump.name}, {dump.stat().st_size / 1e6:,.1f} MB in {database_seconds:.1f} s")
    media = Path(settings.MEDIA_ROOT)
    archive = folder / "media.tar"
    with tarfile.open(archive, "w") as tar:
        if media.exists():
            tar.add(media, arcname="media")
    files[archive.name] = _sha256(archive)
    say(f"uploads: media.tar, {archive.stat().st_size / 1e6:,.1f} MB")
    manifest = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database": str(db["NAME"]),
        "counts": counts,
        "files": files,
        "seconds": round(time.monotonic() - started, 1),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def backup_restore(
    folder: Path, *, jobs: int = 2, say: Callable[[str], None] = print
) -> dict[str, Any]:
    """Restore `folder` into the configured database, which must be empty (no tables), and
    the uploads into MEDIA_ROOT; then check everything against the manifest."""
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: not a Tanjai backup")
    for name, digest in manifest["files"].items():
        if _sha256(folder / name) != digest:
            raise BackupError(f"{name} is not the file that was saved (checksum)")
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"the backup is of {manifest['vendor']}, this database is {connection.vendor}"
        )
    if connection.introspection.table_names():
        raise BackupError("the database is not empty: restore into a new, empty database")
    db = settings.DATABASES["default"]
    started = time.monotonic()
    if connection.vendor == "postgresql":
        command = ["pg_restore", "--no-owner", "--no-privileges", f"--jobs={jobs}"]
        command += [*_pg_args(db), f"--dbname={db['NAME']}", str(folder / "database.dump")]
        subprocess.run(command, check=True, env=_pg_env(db))  # noqa: S603
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        connection.close()
        shutil.copyfile(folder / "database.sqlite3", str(db["NAME"]))
    database_seconds = time.monotonic() - started
    say(f"database restored in {database_seconds:.1f} s")
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar") as tar:
        for member in tar.getmembers():
            if not member.name.startswith("media") or ".." in Path(member.name).parts:
                raise BackupError(f"media.tar holds {member.name}: refused")
            if member.isfile():
                member.name = member.name.removeprefix("media/")
                tar.extract(member, media, filter="data")
    with connection.cursor() as cursor:
        counts = _counts(cursor)
    if counts != manifest["counts"]:
        differ = {
            k: (manifest["counts"].get(k), v)
            for k, v in counts.items()
            if manifest["counts"].get(k) != v
        }
        raise BackupError(f"the restored rows differ from the backup's: {differ}")
    seconds = time.monotonic() - started
    say(
        f"restored and checked in {seconds:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )
    return {"counts": counts, "database_seconds": database_seconds, "seconds": seconds}
