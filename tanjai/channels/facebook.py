"""A Facebook Page through the Messenger Platform (channel `facebook`): the webhook answers
the verify-token handshake, refuses bodies whose X-Hub-Signature-256 does not verify with
the app secret, handles each message once (its mid), and runs the same chat as LINE.
Replies and notices go through the Graph API's Send API."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt

from tanjai.channels import conversation as chat
from tanjai.channels.models import InboundMessage
from tanjai.core.inputs import storable

logger = logging.getLogger(__name__)
PROVIDER = "facebook"
_MEDIA_HOSTS = (".fbcdn.net", ".fbsbx.com", ".facebook.com")


class SendError(Exception):
    pass


def send_api(recipient: str, message: dict[str, Any], *, tag: str | None = None) -> None:
    """POST /me/messages: a reply within the 24-hour window, or a tagged update after it."""
    body: dict[str, Any] = {"recipient": {"id": recipient}, "message": message}
    body["messaging_type"] = "MESSAGE_TAG" if tag else "RESPONSE"
    if tag:
        body["tag"] = tag
    query = urllib.parse.urlencode({"access_token": settings.FACEBOOK_PAGE_ACCESS_TOKEN})
    request = urllib.request.Request(  # noqa: S310 - the Graph base is the operator's setting
        f"{settings.FACEBOOK_GRAPH_BASE.rstrip('/')}/me/messages?{query}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass
    except urllib.error.HTTPError as exc:
        raise SendError(f"Graph API answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError) as exc:
        raise SendError(f"Graph API unreachable: {exc}") from None


def messenger_message(reply: chat.Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"text": reply.text[:2000]}
    quick = [
        {"content_type": "text", "title": c.label[:20], "payload": c.data}
        for c in reply.choices[:13]
    ]
    if quick:
        message["quick_replies"] = quick
    return message


def _media_allowed(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    graph = urllib.parse.urlsplit(settings.FACEBOOK_GRAPH_BASE).hostname or ""
    return host == graph or host.endswith(_MEDIA_HOSTS)


def _download(url: str) -> bytes | None:
    """A photo a user sent, from Facebook's media hosts only (no fetching of other URLs)."""
    if not _media_allowed(url):
        logger.warning("Messenger: photo URL on an unexpected host refused: %s", url[:100])
        return None
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - host checked
            return bytes(response.read(settings.TANJAI_MAX_UPLOAD_BYTES + 1))
    except (urllib.error.URLError, TimeoutError) as exc:
        logger.warning("Messenger: photo download failed: %s", exc)
        return None


def _object(value: Any, what: str) -> dict[str, Any]:
    """A part of an event that should be a JSON object; of another shape, it is logged and
    counts as absent (the platform sends it again if it is not answered 200)."""
    if isinstance(value, dict):
        return value
    if value is not None:
        logger.warning("Messenger webhook: %s of an odd shape ignored: %.200r", what, value)
    return {}


def _sender(item: Any) -> str:
    """The sender's page-scoped id (a number, kept as text up to its column's length)."""
    sender = item.get("sender") if isinstance(item, dict) else None
    user_id = str(sender.get("id") or "") if isinstance(sender, dict) else ""
    return user_id if len(user_id) <= 100 else ""


def _event_key(item: dict[str, Any], user_id: str) -> str:
    """What makes a redelivered event known: its message id, else sender and time."""
    for part in ("message", "postback"):
        value = item.get(part)
        if isinstance(value, dict) and value.get("mid"):
            return str(value["mid"])[:200]
    return f"{user_id}:{item.get('timestamp')}"[:200]


def handle_messaging(item: dict[str, Any]) -> chat.Reply | None:
    user_id = _sender(item)
    if not user_id:
        return None
    if "postback" in item:
        postback = _object(item["postback"], "postback")
        if not postback:
            return None
        payload = str(postback.get("payload", ""))
        event_id = str(postback.get("mid") or f"{user_id}:{item.get('timestamp')}")
        return chat.on_postback(provider=PROVIDER, user_id=user_id, data=payload, event_id=event_id)
    message = _object(item.get("message"), "message")
    if message.get("is_echo"):
        return None  # our own messages, echoed back
    mid = str(message.get("mid", ""))
    if "quick_reply" in message:
        payload = str(_object(message["quick_reply"], "quick reply").get("payload", ""))
        return chat.on_postback(provider=PROVIDER, user_id=user_id, data=payload, event_id=mid)
    reply: chat.Reply | None = None
    attachments = message.get("attachments") or []
    if not isinstance(attachments, list):
        attachments = [attachments]  # logged as of an odd shape below
    for attachment in (_object(a, "attachment") for a in attachments):
        media = _object(attachment.get("payload"), "attachment payload")
        if attachment.get("type") == "location" and "coordinates" in media:
            point = _object(media["coordinates"], "location")
            reply = chat.on_location(
                provider=PROVIDER,
                user_id=user_id,
                lat=float(point["lat"]),
                lon=float(point["long"]),
                address=str(attachment.get("title", "")),
            )
        elif attachment.get("type") == "image" and media.get("url"):
            content = _download(str(media["url"]))
            if content is not None:
                reply = (
                    chat.on_photo(
                        provider=PROVIDER,
                        user_id=user_id,
                        message_id=hashlib.sha256(f"{mid}:{media['url']}".encode()).hexdigest()[
                            :32
                        ],
                        content=content,
                    )
                    or reply
                )
    if message.get("text"):
        reply = chat.on_text(provider=PROVIDER, user_id=user_id, text=str(message["text"]))
    return reply


def _signature_ok(body: bytes, header: str) -> bool:
    if not header.startswith("sha256="):
        return False
    expected = hmac.new(settings.FACEBOOK_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


@csrf_exempt
def webhook(request: HttpRequest) -> HttpResponse:
    if not settings.FACEBOOK_APP_SECRET:
        return HttpResponse(status=404)
    if request.method == "GET":  # the subscription handshake
        if (
            request.GET.get("hub.mode") == "subscribe"
            and settings.FACEBOOK_VERIFY_TOKEN
            and hmac.compare_digest(
                request.GET.get("hub.verify_token", ""), settings.FACEBOOK_VERIFY_TOKEN
            )
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse(status=403)
    if request.method != "POST":
        return HttpResponse(status=405)
    if not _signature_ok(request.body, request.headers.get("X-Hub-Signature-256", "")):
        logger.warning("Messenger webhook: bad signature from %s", request.META.get("REMOTE_ADDR"))
        return HttpResponse("bad signature", status=403)
    try:
        # What cannot be stored (a NUL) is taken out of the citizens' words, not refused.
        entries = storable(json.loads(request.body))["entry"]
        if not isinstance(entries, list):
            raise TypeError("entry is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("Messenger webhook: malformed body: %s", exc)
        return HttpResponseBadRequest("malformed body")
    items = []
    for entry in entries:
        # An entry without messaging (a page change) is not ours to handle; one of another
        # shape is logged and left, so that the others in the body are still handled.
        messaging = entry.get("messaging", []) if isinstance(entry, dict) else None
        if not isinstance(messaging, list):
            logger.warning("Messenger webhook: entry of an odd shape ignored: %.200r", entry)
            continue
        items += messaging
    replies = []
    for item in items:
        user_id = _sender(item)
        if not user_id:
            logger.warning("Messenger webhook: event without a sender ignored: %.200r", item)
            continue
        try:
            with transaction.atomic():
                InboundMessage.objects.create(
                    provider=PROVIDER, message_id=_event_key(item, user_id)
                )
                reply = handle_messaging(item)
        except IntegrityError:
            continue  # redelivered: handled before
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            logger.warning("Messenger webhook: malformed event: %s", exc)
            continue
        if reply is not None:
            replies.append((user_id, reply))
    for recipient, reply in replies:
        try:
            send_api(recipient, messenger_message(reply))
        except SendError as exc:
            logger.warning("Messenger reply failed: %s", exc)
    return HttpResponse("EVENT_RECEIVED")
