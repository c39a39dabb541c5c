"""Local HTTP servers that speak the outside services' protocols, for the tests: an SMS
gateway and LINE's Messaging API. The real client code (urllib, LINE's SDK) talks to them
over loopback, as it would to the real service."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeService:
    url: str = ""
    token: str = "test-token"  # noqa: S105 - a fake service's own token
    requests: list[Recorded] = field(default_factory=list)
    # Keys already accepted: a repeat is answered 409 and not delivered again.
    accepted: dict[str, Any] = field(default_factory=dict)
    # How many next requests to record and then answer 500 (an answer lost on the way).
    fail_after_accepting: int = 0
    # How many next requests to refuse outright with 503 before recording anything.
    refuse: int = 0

    @property
    def delivered(self) -> list[Recorded]:
        return [r for r in self.requests if r.headers.get("x-delivered") == "yes"]


def _handler(service: FakeService, route: str, key_header: str, answer: Any) -> type:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            if self.path != route:
                return self._reply(404, {"message": "Not found"})
            if headers.get("authorization") != f"Bearer {service.token}":
                return self._reply(401, {"message": "Authentication failed"})
            if service.refuse:
                service.refuse -= 1
                return self._reply(503, {"message": "try later"})
            try:
                body = json.loads(raw)
            except ValueError:
                return self._reply(400, {"message": "The request body has 1 error(s)"})
            key = headers.get(key_header, "")
            if key and key in service.accepted:
                service.requests.append(Recorded(self.path, headers, body))
                return self._reply(409, {"message": "The retry key is already accepted"})
            headers["x-delivered"] = "yes"
            service.requests.append(Recorded(self.path, headers, body))
            if key:
                service.accepted[key] = body
            if service.fail_after_accepting:
                service.fail_after_accepting -= 1
                return self._reply(500, {"message": "internal error"})
            return self._reply(200, answer)

    return Handler


@contextmanager
def _serve(handler: type) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def sms_gateway() -> Iterator[FakeService]:
    """POST /messages with a bearer token and JSON {to, text, reference}; Idempotency-Key."""
    service = FakeService()
    handler = _handler(service, "/messages", "idempotency-key", {"status": "queued"})
    with _serve(handler) as base:
        service.url = base + "/messages"
        yield service


@dataclass
class FakeLine(FakeService):
    replies: list[Recorded] = field(default_factory=list)
    # Message id -> bytes, served as LINE serves a photo a user sent.
    contents: dict[str, bytes] = field(default_factory=dict)


@contextmanager
def line_api() -> Iterator[FakeLine]:
    """LINE's Messaging API as the SDK calls it: push (with X-Line-Retry-Key), reply (with
    a reply token) and a message's content."""
    service = FakeLine()
    answer = {"sentMessages": [{"id": "461230966842064897", "quoteToken": "IStG5h1Tz7b"}]}
    push = _handler(service, "/v2/bot/message/push", "x-line-retry-key", answer)

    class Handler(push):  # type: ignore[valid-type,misc]
        def do_POST(self) -> None:
            if self.path != "/v2/bot/message/reply":
                return super().do_POST()
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            headers = {k.lower(): v for k, v in self.headers.items()}
            if headers.get("authorization") != f"Bearer {service.token}":
                return self._reply(401, {"message": "Authentication failed"})
            if not body.get("replyToken"):
                return self._reply(400, {"message": "Invalid reply token"})
            service.replies.append(Recorded(self.path, headers, body))
            return self._reply(200, answer)

        def do_GET(self) -> None:
            prefix, suffix = "/v2/bot/message/", "/content"
            headers = {k.lower(): v for k, v in self.headers.items()}
            if headers.get("authorization") != f"Bearer {service.token}":
                return self._reply(401, {"message": "Authentication failed"})
            if self.path.startswith(prefix) and self.path.endswith(suffix):
                content = service.contents.get(self.path[len(prefix) : -len(suffix)])
                if content is not None:
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                    return None
            return self._reply(404, {"message": "Not found"})

    with _serve(Handler) as base:
        service.url = base
        yield service


@dataclass
class FakeGraph(FakeService):
    # Path -> bytes served as Facebook's media host serves a photo a user sent.
    media: dict[str, bytes] = field(default_factory=dict)


@contextmanager
def graph_api() -> Iterator[FakeGraph]:
    """The Messenger Send API as Facebook's Graph API serves it: POST /me/messages with the
    page access token in the query; and the media URLs of photos users send."""
    from urllib.parse import parse_qs, urlsplit

    service = FakeGraph()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: Any, content_type: str = "application/json") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            if url.path != "/me/messages":
                return self._reply(404, {"error": {"message": "Unknown path"}})
            if parse_qs(url.query).get("access_token") != [service.token]:
                return self._reply(
                    400, {"error": {"message": "Invalid OAuth access token", "code": 190}}
                )
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            if service.refuse:
                service.refuse -= 1
                return self._reply(500, {"error": {"message": "try later", "code": 2}})
            headers = {k.lower(): v for k, v in self.headers.items()} | {"x-delivered": "yes"}
            service.requests.append(Recorded(url.path, headers, body))
            return self._reply(200, {"recipient_id": body["recipient"]["id"], "message_id": "m_1"})

        def do_GET(self) -> None:
            content = service.media.get(self.path)
            if content is None:
                return self._reply(404, {"error": {"message": "Not found"}})
            return self._reply(200, content, "image/png")

    with _serve(Handler) as base:
        service.url = base
        yield service
