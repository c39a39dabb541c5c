"""The LINE Official Account (channel `line`), with LINE's own SDK: the webhook checks
X-Line-Signature, handles each event once (its webhookEventId), registers complaints
before it answers 200, and replies with the reply token."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tanjai.channels import conversation as chat
from tanjai.channels.models import InboundMessage
from tanjai.core.inputs import storable

logger = logging.getLogger(__name__)
PROVIDER = "line"
TIMEOUT = (5, 20)  # connect, read (seconds)


def _data_api_base() -> str:
    """LINE serves message content from another host; a test server serves both."""
    base = settings.LINE_API_BASE.rstrip("/")
    return "https://api-data.line.me" if base == "https://api.line.me" else base


def _api_client(base: str):  # type: ignore[no-untyped-def]
    from linebot.v3.messaging import ApiClient, Configuration

    return ApiClient(Configuration(host=base, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN))


def line_messages(reply: chat.Reply) -> list:
    """A Reply as LINE messages: text with quick-reply buttons."""
    from linebot.v3.messaging import (
        CameraAction,
        LocationAction,
        PostbackAction,
        QuickReply,
        QuickReplyItem,
        TextMessage,
    )

    items = [
        QuickReplyItem(
            action=PostbackAction(label=c.label[:20], data=c.data, displayText=c.label)  # type: ignore[call-arg]
        )  # type: ignore[call-arg]
        for c in reply.choices[:13]
    ]
    if reply.ask_location:
        items.insert(0, QuickReplyItem(action=LocationAction(label="📍 ตำแหน่ง")))  # type: ignore[call-arg]
    if reply.ask_photo:
        items.insert(0, QuickReplyItem(action=CameraAction(label="📷 ถ่ายรูป")))  # type: ignore[call-arg]
    quick = QuickReply(items=items) if items else None
    return [TextMessage(text=reply.text[:5000], quickReply=quick)]  # type: ignore[call-arg]


def _reply(reply_token: str, reply: chat.Reply) -> None:
    from linebot.v3.messaging import MessagingApi, ReplyMessageRequest

    with _api_client(settings.LINE_API_BASE) as client:
        MessagingApi(client).reply_message(
            ReplyMessageRequest(replyToken=reply_token, messages=line_messages(reply)),  # type: ignore[call-arg]
            _request_timeout=TIMEOUT,
        )


def _content(message_id: str) -> bytes:
    from linebot.v3.messaging import MessagingApiBlob

    with _api_client(_data_api_base()) as client:
        return bytes(
            MessagingApiBlob(client).get_message_content(message_id, _request_timeout=TIMEOUT)
        )


def handle_event(event: object, content: bytes | None = None) -> chat.Reply | None:
    from linebot.v3.webhooks import (
        ImageMessageContent,
        LocationMessageContent,
        MessageEvent,
        PostbackEvent,
        TextMessageContent,
    )

    source = getattr(event, "source", None)
    user_id = getattr(source, "user_id", None)
    if not user_id or getattr(source, "type", "user") != "user":
        return None  # only one-to-one chats (not groups or rooms)
    if isinstance(event, MessageEvent):
        message = event.message
        if isinstance(message, TextMessageContent):
            # What cannot be stored (a NUL) is taken out of the citizen's words, not refused.
            return chat.on_text(provider=PROVIDER, user_id=user_id, text=storable(message.text))
        if isinstance(message, LocationMessageContent):
            return chat.on_location(
                provider=PROVIDER,
                user_id=user_id,
                lat=message.latitude,
                lon=message.longitude,
                address=storable(message.address or ""),
            )
        if isinstance(message, ImageMessageContent):
            if content is None:
                return chat.Reply(_("We could not get that photo. Please send it again."))
            return chat.on_photo(
                provider=PROVIDER, user_id=user_id, message_id=message.id, content=content
            )
        return None
    if isinstance(event, PostbackEvent):
        return chat.on_postback(
            provider=PROVIDER,
            user_id=user_id,
            data=storable(event.postback.data),
            event_id=event.webhook_event_id,
        )
    return None


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    from linebot.v3 import WebhookParser
    from linebot.v3.exceptions import InvalidSignatureError

    if not settings.LINE_CHANNEL_SECRET:
        return HttpResponse(status=404)
    body = request.body.decode("utf-8", errors="replace")
    signature = request.headers.get("X-Line-Signature", "")
    try:
        events = WebhookParser(settings.LINE_CHANNEL_SECRET).parse(body, signature)
    except InvalidSignatureError:
        logger.warning("LINE webhook: bad signature from %s", request.META.get("REMOTE_ADDR"))
        return HttpResponseBadRequest("bad signature")
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("LINE webhook: malformed body: %s", exc)
        return HttpResponseBadRequest("malformed body")
    replies = []
    for event in events if isinstance(events, list) else []:
        event_id = getattr(event, "webhook_event_id", "") or ""
        if InboundMessage.objects.filter(provider=PROVIDER, message_id=event_id).exists():
            continue  # redelivered: handled before
        # A photo is fetched before the transaction, so no lock waits on LINE.
        content = None
        message = getattr(event, "message", None)
        if getattr(message, "type", "") == "image":
            try:
                content = _content(message.id)  # type: ignore[union-attr]
            except Exception as exc:
                logger.warning("LINE content fetch failed: %s", exc)
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        InboundMessage.objects.create(provider=PROVIDER, message_id=event_id)
                except IntegrityError:
                    continue  # the same event, handled at the same moment by another process
                reply = handle_event(event, content)
        except Exception:
            # One bad event must not keep the others from being handled, nor make LINE
            # retry the whole batch: it is logged and left unrecorded.
            logger.exception("LINE event %s failed", event_id)
            continue
        token = getattr(event, "reply_token", None)
        if reply is not None and token:
            replies.append((token, reply))
    # Everything is stored: now the answers (a failed reply loses no complaint).
    for token, reply in replies:
        try:
            _reply(token, reply)
        except Exception as exc:  # the provider being down must not turn into a 500
            logger.warning("LINE reply failed: %s", exc)
    return HttpResponse("OK")
