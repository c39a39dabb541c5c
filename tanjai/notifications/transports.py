"""One small class per channel, each with one send method (healthchecks' Transport)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.core.mail import send_mail

from tanjai.notifications.models import LocalSms, Notification


class TransportError(Exception):
    pass


class Transport:
    def send(self, notification: Notification) -> None:
        raise NotImplementedError


class EmailTransport(Transport):
    def send(self, notification: Notification) -> None:
        if not notification.address:
            raise TransportError("no e-mail address")
        send_mail(notification.subject, notification.body, None, [notification.address])


def retry_key(notification: Notification) -> str:
    """The same UUID for every attempt of one notice: the gateway drops a repeat."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tanjai:{notification.idempotency_key}"))


def sms_backend() -> str:
    """The SMS backend, "gateway", "local" or "none": SMS_BACKEND, else the gateway when its
    URL is set, else the embedded default's local outbox (none with DATABASE_URL). A gateway
    without a URL sends nothing, so it is "none": customers are then told by telephone."""
    chosen = settings.SMS_BACKEND or ("gateway" if settings.SMS_GATEWAY_URL else "")
    if chosen == "gateway" and not settings.SMS_GATEWAY_URL:
        return "none"
    return chosen or settings.SMS_BACKEND_DEFAULT


class LocalSmsTransport(Transport):
    """Keeps the SMS in the local outbox (LocalSms) as delivered; nothing leaves the machine."""

    def send(self, notification: Notification) -> None:

        # One row per notice (its unique key): a second delivery stores nothing more.
        LocalSms.objects.get_or_create(
            notification=notification,
            defaults={"to": notification.address, "text": notification.body},
        )


class SmsTransport(Transport):
    """An HTTP SMS gateway: POST SMS_GATEWAY_URL with a bearer token and JSON
    {"to", "text", "reference"}; the Idempotency-Key header lets it drop a repeat.
    With the local backend, the local outbox instead."""

    def send(self, notification: Notification) -> None:
        backend = sms_backend()
        if backend == "local":
            LocalSmsTransport().send(notification)
            return
        if backend != "gateway":
            raise TransportError("no SMS backend: SMS_GATEWAY_URL is not set")
        body = json.dumps(
            {
                "to": notification.address,
                "text": notification.body,
                "reference": notification.idempotency_key,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            settings.SMS_GATEWAY_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                "Idempotency-Key": retry_key(notification),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status not in (200, 201, 202):
                    raise TransportError(f"SMS gateway answered {response.status}")
        except urllib.error.HTTPError as exc:
            if exc.code == 409:  # already accepted under this key: delivered before
                return
            raise TransportError(f"SMS gateway answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError) as exc:
            raise TransportError(f"SMS gateway unreachable: {exc}") from None


TRANSPORTS: dict[str, Transport] = {
    "email": EmailTransport(),
    "sms": SmsTransport(),
}


def transport_register(channel: str, transport: Transport) -> None:
    """Ways out that other apps provide (the LINE and Messenger chats: tanjai.channels)
    are registered in their AppConfig.ready()."""
    TRANSPORTS[channel] = transport
