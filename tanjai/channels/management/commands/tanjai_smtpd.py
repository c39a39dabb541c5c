"""Receive complaints by e-mail: an SMTP listener whose messages become complaints (or join
the complaint they answer). The mail server that holds PWA's complaints mailbox forwards to
it; a message is accepted (250) only once it is stored.

Only a database that cannot be reached is "try again later" (451): anything else would fail
the same way on every try, and the sending server would try for days. Such a message is
refused for good (554) with the reason, which goes back to the person who sent it."""

from __future__ import annotations

import asyncio
import logging
import threading

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections

from tanjai.channels.email import EmailRefused, email_receive

logger = logging.getLogger(__name__)


class Handler:
    async def handle_DATA(self, server, session, envelope) -> str:
        from asgiref.sync import sync_to_async

        try:
            await sync_to_async(_receive, thread_sensitive=False)(envelope.original_content)
        except (OperationalError, InterfaceError) as exc:
            logger.warning("e-mail not stored, the database is unavailable: %s", exc)
            return "451 4.3.0 The complaints database is unavailable; try again later"
        except EmailRefused as exc:
            logger.warning("e-mail refused: %s", exc)
            return f"554 5.6.0 Message refused: {_ascii(str(exc))}"
        except Exception:
            logger.exception("e-mail could not be stored")
            return "554 5.3.0 Message refused: it could not be stored (an error on our side)"
        return "250 Message accepted"


def _receive(raw: bytes) -> None:

    # A connection per message, closed after it: the listener's threads hold none between
    # messages, so a database restart leaves no broken connection behind.
    try:
        email_receive(raw)
    finally:
        connections.close_all()


def _ascii(text: str) -> str:
    """An SMTP reply line holds printable ASCII only."""
    return "".join(c if " " <= c <= "~" else "?" for c in text)[:400]


def smtp_controller(host: str, port: int):  # type: ignore[no-untyped-def]
    from aiosmtpd.controller import Controller

    return Controller(Handler(), hostname=host, port=port, data_size_limit=30 * 1024 * 1024)


class Command(BaseCommand):
    help = "Receive complaints by e-mail on an SMTP port (behind PWA's mail server)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)

    def handle(self, *args, **options):
        controller = smtp_controller(options["host"], options["port"])
        controller.start()
        self.stdout.write(f"receiving e-mail on {options['host']}:{options['port']}")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
            asyncio.set_event_loop(None)
