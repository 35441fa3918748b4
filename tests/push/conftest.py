"""Web push fixtures: VAPID keys, and a fake push service on 127.0.0.1 (shared/DESIGN.md recipe).

The fake service records each POST (path, headers, body) and answers with the status codes
queued for its path (201 by default). A `Device` holds the browser side of a subscription:
a P-256 key pair and a 16-byte auth secret, so a test decrypts what the service received.
"""

import base64
import json
import os
import queue
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from tests import factories
from webapp.extensions import db
from webapp.push.models import PushSubscription


def b64url(raw: bytes) -> str:
    """base64url without padding, as browsers give subscription keys."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture(scope="session")
def vapid_key(app):
    """A VAPID key for the session, given to the app as VAPID_PRIVATE_KEY (as the env would)."""
    vapid = Vapid()
    vapid.generate_keys()
    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    app.config["VAPID_PRIVATE_KEY"] = b64url(raw)
    app.config["VAPID_SUBJECT"] = "mailto:ops@branch.example.com"
    app.config["PUSH_ALLOWED_HOSTS"] = ("127.0.0.1",)
    return vapid


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


@pytest.fixture
def push_service():
    """The fake push service, stopped after the test."""
    service = FakePushService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    server.daemon_threads = True
    service.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
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
    return Device(f"{push_service.url}/push/{token}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16))


@pytest.fixture
def device_for(push_service, vapid_key):
    """Subscribe a new device for a member of staff, straight into the database."""

    def make(staff, label="Chrome · Android") -> Device:
        device = new_device(push_service)
        with factories.APP.app_context():
            sub = PushSubscription(
                staff_id=staff.id, endpoint=device.endpoint, label=label, **device.keys()
            )
            db.session.add(sub)
            db.session.commit()
            device.subscription_id = sub.id
        return device

    return make
