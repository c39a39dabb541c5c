"""`tanjai serve` end to end: the embedded default over real HTTP, with its in-process worker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(
    base: str, path: str, body: dict | None = None, token: str | None = None
) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_serve_starts_with_demo_accounts_and_a_working_worker(tmp_path: Path):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(TANJAI_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tanjai.cli",
            "serve",
            "--port",
            str(port),
            "--demo-complaints",
            "40",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                if call(base, "/healthz")[1] == {"status": "ok"}:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "serve did not come up"
            time.sleep(0.5)

        status, body = call(
            base, "/api/v1/auth/token", {"username": "callcentre", "password": "tanjai-demo"}
        )
        assert status == 200
        token = body["token"]
        status, listing = call(base, "/api/v1/complaints?page_size=5", token=token)
        assert status == 200 and listing["count"] >= 40

        status, created = call(
            base,
            "/api/v1/complaints",
            {
                "channel": "cc1662",
                "category": "leak",
                "subcategory": "main_burst",
                "branch": "chonburi",
                "description": "ท่อเมนแตกหน้าตลาด น้ำท่วมถนน",
            },
            token=token,
        )
        assert status == 201
        number = created["tracking_no"]
        assert call(base, f"/api/v1/complaints/{number}/actions/forward", {}, token=token)[0] == 200
        centre = call(
            base, "/api/v1/auth/token", {"username": "centre.chonburi", "password": "tanjai-demo"}
        )[1]
        status, _ = call(
            base,
            f"/api/v1/complaints/{number}/actions/dispatch",
            {"assignees": ["tech.chonburi"], "team_type": "service_team"},
            token=centre["token"],
        )
        assert status == 200
        # The demo technician has no e-mail, so the worker's proof is the SLA watcher run
        # the scheduler enqueued: its task result is written by the in-process worker.
        deadline = time.monotonic() + 60
        while (
            "sla_watch" not in (tmp_path / "serve.log").read_text() and time.monotonic() < deadline
        ):
            time.sleep(0.5)
        assert "enqueued sla_watch" in (tmp_path / "serve.log").read_text()
        assert _task_succeeded(tmp_path)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _task_succeeded(data_dir: Path) -> bool:
    import sqlite3

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        db = sqlite3.connect(data_dir / "tanjai.sqlite3")
        try:
            rows = db.execute(
                "select count(*) from django_tasks_database_dbtaskresult where status = 'SUCCESSFUL'"
            ).fetchone()[0]
        finally:
            db.close()
        if rows:
            return True
        time.sleep(0.5)
    return False
