"""A fake push service on 127.0.0.1 and the browser side of a subscription: delivery is tested
end to end with no internet.

The service records each POST (path, headers, body) and answers with the status codes queued
for its path (201 by default). A `Device` holds a P-256 key pair and a 16-byte auth secret,
so a test decrypts what the service received, exactly as the browser would.
"""

import base64
import json
import os
import queue
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(raw: bytes) -> str:
    """base64url without padding, as browsers give subscription keys."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Received:
    """One POST the fake push service got."""

    path: str
    headers: dict
    body: bytes


@dataclass
class FakePushService:
    """A push service on 127.0.0.1 that records messages and answers as told."""

    url: str = ""
    received: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)  # path -> list of status codes to answer
    hold: threading.Event | None = None  # when set, requests from number `hold_from` on wait
    hold_from: int = 1
    arrived: "queue.Queue[Received]" = field(default_factory=queue.Queue)

    def answer(self, path: str, *codes: int) -> None:
        """Queue status codes for the next requests to `path`."""
        self.answers.setdefault(path, []).extend(codes)


def _handler(service: FakePushService):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            item = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            service.received.append(item)
            service.arrived.put(item)
            if service.hold is not None and len(service.received) >= service.hold_from:
                service.hold.wait(30)
            codes = service.answers.get(self.path)
            code = codes.pop(0) if codes else 201
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


def start_push_service() -> tuple[FakePushService, ThreadingHTTPServer]:
    """Start the fake service in a thread; stop it with stop_push_service()."""
    service = FakePushService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    server.daemon_threads = True
    service.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service, server


def stop_push_service(service: FakePushService, server: ThreadingHTTPServer) -> None:
    """Release held requests and stop the server."""
    if service.hold is not None:
        service.hold.set()
    server.shutdown()
    server.server_close()


@dataclass
class Device:
    """The browser side of a subscription: it can decrypt what the push service received."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    subscription_id: int = 0

    @property
    def path(self) -> str:
        return "/" + self.endpoint.split("/", 3)[3]

    def keys(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64url(public), "auth": b64url(self.auth)}

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def new_device(push_service: FakePushService) -> Device:
    """A fresh key pair and auth secret, with an endpoint on the fake service."""
    token = b64url(os.urandom(12))
    return Device(
        f"{push_service.url}/push/{token}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    )
