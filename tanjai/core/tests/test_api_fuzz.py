"""A fuzz run of the API from its own OpenAPI document (schemathesis): whatever a client sends,
within the document or just outside it, the answer is never a server error, and its status,
content type and body are those the document lists for the operation."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tanjai.conftest import Api
from tanjai.wsgi import application

pytestmark = pytest.mark.django_db

# Examples per operation (besides schemathesis's boundary cases): enough to find the classic
# mistakes (NUL, huge numbers, odd types, missing fields), about 30 s for the whole document
# on two cores, PostgreSQL or SQLite.
EXAMPLES = 50

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        return [p for key, item in items for p in _string_paths(item, (*path, key))]
    return []


def _with_nul(value: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return value[: len(value) // 2] + "\x00" + value[len(value) // 2 :]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _with_nul(value[path[0]], path[1:])
    return copy


def _sometimes_nul(value: Any) -> st.SearchStrategy:
    """The generated value, or the same with a NUL character in one of its strings: a
    classic that Hypothesis seldom writes by itself, and PostgreSQL cannot store."""
    paths = _string_paths(value)
    if not paths:
        return st.just(value)
    return st.one_of(st.just(value), st.sampled_from(paths).map(lambda p: _with_nul(value, p)))


@schema.hook
def flatmap_query(context: Any, query: Any) -> st.SearchStrategy:
    return _sometimes_nul(query)


@schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy:
    return _sometimes_nul(body)


@pytest.fixture
def headers(db):
    """An administrator's token: every operation is within reach.

    The requests go to the WSGI application itself, whose signals at the start and end of
    a request would close the database connection, and the test's transaction with it:
    they are held off as Django's own test client does (which it undoes after each of its
    requests, so after the token's)."""
    token = Api("admin").headers
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# No example database: a run leaves nothing in the working tree (a failure prints its case).
@settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
def test_the_api_answers_as_its_document_says(case, headers):
    case.call_and_validate(
        headers=headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
