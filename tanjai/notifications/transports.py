"""One small class per channel, each with one send method (healthchecks' Transport)."""

from __future__ import annotations

from django.core.mail import send_mail

from tanjai.notifications.models import Notification


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


TRANSPORTS: dict[str, Transport] = {"email": EmailTransport()}
