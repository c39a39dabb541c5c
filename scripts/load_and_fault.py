"""Load and faults, on loopback: concurrent clients register complaints and act on them
through the API of gunicorn on PostgreSQL, with separate worker and scheduler processes and
a local SMS gateway; halfway through, the worker is killed and PostgreSQL is restarted.
Then it checks what matters:

- every complaint the API acknowledged exists exactly once (retries with the same
  Idempotency-Key included), and no complaint exists that was not asked for;
- every notice was delivered exactly once (the gateway counts by idempotency key);
- each complaint's event log is whole (register, forward, inform, in order, versions 1..n).

It prints the requests, the errors seen while the database was down, and how many seconds
the web and the worker took to come back.

    .venv/bin/python scripts/load_and_fault.py --registrations 10000 --clients 8

It restarts the machine's PostgreSQL (pg_ctlcluster): run it where nothing else needs the
database meanwhile. It makes and drops its own database (tanjai_load).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV = ROOT / ".venv" / "bin"
DB = "tanjai_load"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
PASSWORD = "load-and-fault-2569"  # noqa: S105 - a throwaway database's accounts
PORT = 8391
BASE = f"http://127.0.0.1:{PORT}"
BANGKOK = ZoneInfo("Asia/Bangkok")


def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qAtc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def pg_cluster() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.errors: Counter[str] = Counter()
        self.acknowledged: dict[str, str] = {}  # idempotency key -> tracking number
        self.informed: set[str] = set()
        self.failed: list[str] = []

    def count(self, outcome: str | None = None) -> None:
        with self.lock:
            self.requests += 1
            if outcome:
                self.errors[outcome] += 1


def call(
    method: str, path: str, body: dict | None, token: str, stats: Stats, **headers: str
) -> tuple[int, dict]:
    """One request, retried (the same body and headers) until the server answers: while
    the database restarts the web answers 500/503 or refuses connections."""
    data = json.dumps(body).encode() if body is not None else None
    for attempt in range(200):
        request = urllib.request.Request(
            BASE + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                **headers,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                stats.count()
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                stats.count()
                return exc.code, json.loads(exc.read() or b"{}")
            stats.count(f"HTTP {exc.code}")
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            stats.count(type(getattr(exc, "reason", exc)).__name__)
        time.sleep(min(2.0, 0.05 * 2 ** min(attempt, 5)) * (0.5 + random.random()))
    raise RuntimeError(f"{method} {path}: no answer after 200 tries")


def client(number: int, n: int, tokens: dict[str, str], stats: Stats) -> None:
    for i in range(n):
        key = f"load-{number}-{i}-{uuid.uuid4().hex[:8]}"
        body = {
            "channel": "phone",
            "category": "supply",
            "subcategory": "no_water",
            "description": f"น้ำไม่ไหลทั้งซอย ทดสอบโหลด {number}-{i}",
            "branch": "chonburi",
            "customer": {"name": "ผู้ทดสอบ โหลด", "phone": f"08{number % 10}{i:07d}"[:10]},
        }
        status, answer = call("POST", "/api/v1/complaints", body, tokens["officer"], stats,
                              **{"Idempotency-Key": key})  # fmt: skip
        if status not in (200, 201):
            stats.failed.append(f"register {key}: {status} {answer}")
            continue
        tracking = answer["tracking_no"]
        version = answer["version"]
        with stats.lock:
            stats.acknowledged[key] = tracking
        for action, who, data in (
            ("forward", "officer", {}),
            ("inform_customer", "centre",
             {"plan": "ส่งช่างตรวจสอบท่อเมนภายในวันนี้", "contact_method": "phone",
              "promised_at": (datetime.now(BANGKOK) + timedelta(hours=20)).isoformat()}),
        ):  # fmt: skip
            # The version seen goes with the action (as the API asks of careful clients): a
            # retry of an action whose answer was lost is then refused (409), not done twice.
            status, answer = call(
                "POST", f"/api/v1/complaints/{tracking}/actions/{action}",
                {**data, "version": version}, tokens[who], stats,
            )  # fmt: skip
            if status == 409:  # taken by the first try: what the complaint now is
                status, answer = call("GET", f"/api/v1/complaints/{tracking}", None,
                                      tokens["officer"], stats)  # fmt: skip
                taken = (
                    answer.get("informed_at") is not None
                    if action == "inform_customer"
                    else answer.get("status") != "received"
                )
                if not taken:
                    stats.failed.append(f"{action} {tracking}: 409 and not taken")
                    break
            elif status != 200:
                stats.failed.append(f"{action} {tracking}: {status} {answer}")
                break
            version = answer["version"]
            if action == "inform_customer":
                with stats.lock:
                    stats.informed.add(tracking)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--no-restart", action="store_true", help="do not restart PostgreSQL")
    args = parser.parse_args()

    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    from tanjai.testing.servers import sms_gateway

    with ExitStack() as stack:
        gateway = stack.enter_context(sms_gateway())
        env = {
            **os.environ,
            "DATABASE_URL": DATABASE_URL,
            "SECRET_KEY": "load-and-fault-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "false",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_TOKEN": gateway.token,
            "LOG_LEVEL": "WARNING",
        }
        tanjai = [str(VENV / "tanjai")]
        for command in (["migrate", "-v0"], ["seed"]):
            subprocess.run(tanjai + command, env=env, check=True, cwd=ROOT, capture_output=True)
        for username, role, scope in (
            ("load.officer", "channel_officer", "org"),
            ("load.centre", "centre_staff", "branch:chonburi"),
        ):
            subprocess.run(
                [*tanjai, "createuser", username, "--role", role, "--scope", scope, "--password", PASSWORD],
                env=env, check=True, cwd=ROOT, capture_output=True,
            )  # fmt: skip
        logs = Path(tempfile.gettempdir()) / "tanjai-load"
        logs.mkdir(exist_ok=True)

        def start(name: str, command: list[str]) -> subprocess.Popen:
            out = (logs / f"{name}.log").open("w")
            return subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )

        web = start("web", [str(VENV / "gunicorn"), "tanjai.wsgi", "--workers",
                            str(args.web_workers), "--bind", f"127.0.0.1:{PORT}"])  # fmt: skip
        worker = start("worker", [*tanjai, "worker"])
        scheduler = start("scheduler", [*tanjai, "scheduler"])
        stack.callback(lambda: [p.terminate() for p in (web, worker, scheduler)])
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        tokens = {}
        for who, username in (("officer", "load.officer"), ("centre", "load.centre")):
            request = urllib.request.Request(
                f"{BASE}/api/v1/auth/token",
                data=json.dumps({"username": username, "password": PASSWORD}).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request) as response:
                tokens[who] = json.loads(response.read())["token"]

        stats = Stats()
        per_client = args.registrations // args.clients
        started = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(n, per_client, tokens, stats))
            for n in range(args.clients)
        ]
        for t in threads:
            t.start()

        # Halfway: kill the worker, restart PostgreSQL, start the worker again.
        while len(stats.acknowledged) < args.registrations // 2 and any(
            t.is_alive() for t in threads
        ):
            time.sleep(0.2)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = len(stats.acknowledged)
        errors_before = sum(stats.errors.values())
        restart_seconds = web_back = 0.0
        if not args.no_restart:
            down = time.monotonic()
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main",
                            "restart"], check=True)  # fmt: skip
            restart_seconds = time.monotonic() - down
            while True:  # the web is back when it answers a request that reads the database
                try:
                    request = urllib.request.Request(
                        f"{BASE}/api/v1/complaints?page_size=1",
                        headers={"Authorization": f"Bearer {tokens['officer']}"},
                    )
                    urllib.request.urlopen(request, timeout=5)
                    break
                except (OSError, urllib.error.HTTPError):
                    time.sleep(0.1)
            web_back = time.monotonic() - down
        worker = start("worker-2", [*tanjai, "worker"])
        stack.callback(worker.terminate)
        for t in threads:
            t.join()
        load_seconds = time.monotonic() - started

        def db(sql: str) -> str:
            return subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB, "-qAtc", sql],
                check=True, capture_output=True, text=True,
            ).stdout.strip()  # fmt: skip

        # The outbox drains: every notice sent once.
        expected_notices = len(stats.acknowledged) + len(stats.informed)
        drained = time.monotonic()
        while time.monotonic() - drained < 600:
            pending = int(db("SELECT count(*) FROM notifications_notification "
                             "WHERE to_customer AND status IN ('pending', 'sending')") or 0)  # fmt: skip
            if not pending:
                break
            time.sleep(1)
        drain_seconds = time.monotonic() - drained

        complaints = int(db("SELECT count(*) FROM complaints_complaint"))
        keyed = int(
            db("SELECT count(DISTINCT intake_key) FROM complaints_complaint WHERE intake_key <> ''")
        )
        numbers = set(stats.acknowledged.values())
        in_db = set(db("SELECT tracking_no FROM complaints_complaint").split())
        sent = int(
            db(
                "SELECT count(*) FROM notifications_notification WHERE to_customer AND status = 'sent'"
            )
        )
        failed_notices = int(
            db(
                "SELECT count(*) FROM notifications_notification WHERE to_customer AND status = 'failed'"
            )
        )
        keys = Counter(r.headers.get("idempotency-key") for r in gateway.delivered)
        twice = sum(1 for n in keys.values() if n > 1)
        broken_logs = int(db(
            "SELECT count(*) FROM (SELECT complaint_id, count(*) n, "
            "bool_and(action IN ('register', 'forward', 'inform_customer')) ok "
            "FROM complaints_event GROUP BY complaint_id) s "
            "WHERE NOT ok OR n NOT IN (1, 2, 3)"
        ))  # fmt: skip
        out_of_order = int(db(
            "SELECT count(*) FROM (SELECT e.complaint_id FROM complaints_event e "
            "JOIN complaints_complaint c ON c.id = e.complaint_id GROUP BY e.complaint_id, c.version "
            "HAVING count(*) <> c.version) s"
        ))  # fmt: skip

        print(
            f"registrations asked: {per_client * args.clients:,} by {args.clients} clients; "
            f"acknowledged: {len(stats.acknowledged):,}; informed: {len(stats.informed):,}"
        )
        print(
            f"requests: {stats.requests:,} in {load_seconds:.1f} s "
            f"({stats.requests / load_seconds:.0f}/s); refused for good: {len(stats.failed)}"
        )
        print(
            f"worker killed after {killed_at:,} registrations; PostgreSQL restarted in "
            f"{restart_seconds:.1f} s; the web answered again {web_back:.1f} s after the restart began"
        )
        print(
            f"errors while the database was away (then retried): "
            f"{sum(stats.errors.values()) - errors_before:,} "
            f"({', '.join(f'{k} {v}' for k, v in stats.errors.most_common())})"
        )
        print(
            f"complaints in the database: {complaints:,}, each acknowledged one there: "
            f"{numbers <= in_db}, none extra: {in_db <= numbers}, idempotency keys: {keyed:,}"
        )
        print(
            f"notices: expected {expected_notices:,}, sent {sent:,}, failed {failed_notices}, "
            f"delivered by the gateway {len(gateway.delivered):,}, delivered twice: {twice}; "
            f"the outbox drained {drain_seconds:.1f} s after the load"
        )
        print(
            f"event logs not register/forward/inform: {broken_logs}; "
            f"events not matching the complaint's version: {out_of_order}"
        )
        ok = (
            numbers <= in_db and in_db <= numbers and complaints == len(numbers)
            and not twice and sent == expected_notices == len(gateway.delivered)
            and not broken_logs and not out_of_order and not stats.failed
        )  # fmt: skip
        for line in stats.failed[:10]:
            print("refused:", line)
        print("RESULT:", "all held" if ok else "SOMETHING DID NOT HOLD")
    psql(f"DROP DATABASE IF EXISTS {DB}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
