"""tanjai_bench runs end to end on a small database (the figures themselves need 1M rows)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tanjai.demo.bench import run_bench
from tanjai.demo.generator import seed_demo

pytestmark = pytest.mark.django_db


def test_bench_reports_every_query():
    seed_demo(complaints=120, seed=2, batch=60)
    lines: list[str] = []
    results = run_bench(repeat=2, warmup=1, backlog=10, backlog_repeat=1, out=lines.append)
    assert [r.key for r in results][:5] == ["a", "b", "c1", "c2", "d"]
    for r in results:
        assert len(r.timings) >= 1 and r.min_ms <= r.median_ms <= r.p95_ms
    text = "\n".join(lines)
    assert "WARNING: fewer than 1,000,000 complaints" in text
    assert "| a | branch queue" in text and "| median ms |" in text


def test_bench_command_on_an_empty_database(capsys):
    call_command("tanjai_bench", repeat=1)
    out = capsys.readouterr().out
    assert "complaints in the database: 0" in out and "command:" in out
