"""The chats as ways out: a notice to a customer who wrote on LINE or Messenger goes back
there. Registered with notifications' transports in ChannelsConfig.ready()."""

from __future__ import annotations

from django.conf import settings

from tanjai.channels.conversation import Reply, rating_choices
from tanjai.channels.facebook import SendError, messenger_message, send_api
from tanjai.channels.line import line_messages
from tanjai.complaints.workflow import ActionCode
from tanjai.notifications.models import Notification
from tanjai.notifications.transports import Transport, TransportError, retry_key


class LineTransport(Transport):
    """A push message through LINE's Messaging API with the official SDK; the retry key
    (X-Line-Retry-Key) makes LINE accept one push per notice, however often it is tried."""

    def send(self, notification: Notification) -> None:
        from linebot.v3.messaging import (
            ApiClient,
            ApiException,
            Configuration,
            MessagingApi,
            PushMessageRequest,
            TextMessage,
        )

        if not settings.LINE_CHANNEL_ACCESS_TOKEN:
            raise TransportError("LINE_CHANNEL_ACCESS_TOKEN is not set")
        configuration = Configuration(
            host=settings.LINE_API_BASE, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN
        )
        messages = [TextMessage(text=notification.body[:5000])]  # type: ignore[call-arg]
        event = notification.event
        complaint = notification.complaint
        closing = event is not None and event.action == ActionCode.CLOSE
        if closing and complaint is not None and complaint.satisfaction is None:
            # The survey as quick replies: a tap answers it, as the web page would.
            messages = line_messages(
                Reply(notification.body[:5000], rating_choices(complaint.tracking_no))
            )
        with ApiClient(configuration) as client:
            try:
                MessagingApi(client).push_message(
                    PushMessageRequest(to=notification.address, messages=messages),  # type: ignore[call-arg]
                    x_line_retry_key=retry_key(notification),
                    _request_timeout=(5, 20),
                )
            except ApiException as exc:
                if exc.status == 409:  # this retry key was accepted before
                    return
                raise TransportError(f"LINE answered {exc.status}: {exc.reason}") from None


class MessengerTransport(Transport):
    """A Messenger message through the Graph API's Send API, tagged as an account update
    (notices come after Messenger's 24-hour reply window). The Send API takes no
    idempotency key: a send whose answer was lost may be delivered twice."""

    def send(self, notification: Notification) -> None:
        if not settings.FACEBOOK_PAGE_ACCESS_TOKEN:
            raise TransportError("FACEBOOK_PAGE_ACCESS_TOKEN is not set")
        reply = Reply(notification.body)
        event, complaint = notification.event, notification.complaint
        closing = event is not None and event.action == ActionCode.CLOSE
        if closing and complaint is not None and complaint.satisfaction is None:
            reply.choices = rating_choices(complaint.tracking_no)
        try:
            send_api(notification.address, messenger_message(reply), tag="ACCOUNT_UPDATE")
        except SendError as exc:
            raise TransportError(str(exc)) from None
