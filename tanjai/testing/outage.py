"""A database outage for the tests, made for real on PostgreSQL: what a restart does to a
client, on the test database only (the server itself keeps running for everyone else)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def database_down() -> Iterator[None]:
    """The test database refuses new connections (`ALLOW_CONNECTIONS false`) and every
    connection to it but this thread's own is terminated, until the block ends. Done from a
    connection to the server's `postgres` database: a database cannot close its own doors."""
    import psycopg

    settings = connection.settings_dict
    name = settings["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own,) = cursor.fetchone()
    with psycopg.connect(
        dbname="postgres",
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        quoted = connection.ops.quote_name(name)
        admin.execute(f"ALTER DATABASE {quoted} WITH ALLOW_CONNECTIONS false")
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> %s",
                [name, own],
            )
            yield
        finally:
            admin.execute(f"ALTER DATABASE {quoted} WITH ALLOW_CONNECTIONS true")
