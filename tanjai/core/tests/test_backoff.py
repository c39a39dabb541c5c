"""How the worker and the scheduler wait for a lost database: capped exponential backoff
with jitter, said once in the log when lost and once when back."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError

from tanjai.core.worker import DatabaseOutage, backoff_delay


def test_the_wait_doubles_up_to_its_cap():
    longest = [backoff_delay(n, base=0.5, cap=30, rand=lambda: 1.0) for n in range(1, 10)]
    assert longest == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert backoff_delay(10_000, base=0.5, cap=30, rand=lambda: 1.0) == 30  # no overflow


@pytest.mark.parametrize("attempt", [1, 4, 7, 50])
def test_the_jitter_stays_between_half_and_all_of_the_wait(attempt):
    ceiling = min(30, 0.5 * 2 ** (attempt - 1))
    assert backoff_delay(attempt, rand=lambda: 0.0) == ceiling / 2
    waits = {backoff_delay(attempt) for _ in range(200)}
    assert all(ceiling / 2 <= w <= ceiling for w in waits)
    assert len(waits) > 100  # workers cut off together do not retry in step


def test_an_outage_is_said_once_when_lost_and_once_when_back(caplog):
    log = logging.getLogger("tanjai.core.worker")
    caplog.set_level(logging.INFO, logger=log.name)
    outage = DatabaseOutage("worker w1", base=0.5, cap=8, log=log)
    outage.back()  # nothing was lost: nothing to say
    cut_off = OperationalError("the database system is shutting down")
    waits = [outage.lost(cut_off) for _ in range(6)]
    ceilings = [0.5, 1, 2, 4, 8, 8]
    assert all(c / 2 <= w <= c for w, c in zip(waits, ceilings, strict=True))
    outage.back()
    outage.back()
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 2
    assert said[0].startswith("worker w1: database lost (the database system is shutting down)")
    assert said[1].startswith("worker w1: database back after") and "(6 tries)" in said[1]
    # A second outage starts its backoff from the beginning.
    assert outage.lost(OperationalError("x")) <= 0.5
