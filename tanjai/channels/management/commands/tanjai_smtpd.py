"""Receive complaints by e-mail: an SMTP listener whose messages become complaints (or join
the complaint they answer). The mail server that holds PWA's complaints mailbox forwards to
it; a message is accepted (250) only once it is stored."""

from __future__ import annotations

import asyncio
import logging
import threading

from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


class Handler:
    async def handle_DATA(self, server, session, envelope) -> str:
        from asgiref.sync import sync_to_async

        from tanjai.channels.email import email_receive

        try:
            await sync_to_async(email_receive, thread_sensitive=False)(envelope.original_content)
        except Exception:
            logger.exception("e-mail could not be stored")
            return "451 Requested action aborted: local error in processing"
        return "250 Message accepted"


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
