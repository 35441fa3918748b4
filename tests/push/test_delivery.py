"""Delivery against a local fake push service: encryption, VAPID, TTL, 410, retries, quiet hours."""

import base64
import json
import time
from datetime import datetime, timedelta

from sqlalchemy import func, select

from tests.factories import make_staff
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.push import services
from webapp.push.delivery import backoff, deliver_due
from webapp.push.models import (
    Delivery,
    DeliveryStatus,
    Kind,
    Notification,
    Preference,
    PushSubscription,
    Status,
)

NOW = datetime(2026, 11, 23, 3, 0)  # 11:00 in Shanghai


def queue_one(app, staff, kind=Kind.BRANCH_BROADCAST, **fields) -> int:
    """Write one notification to the outbox and commit, as an event would."""
    with app.app_context():
        member = db.session.merge(staff)
        n = services.enqueue(
            member,
            kind,
            fields.pop("title", "周建华"),
            fields.pop("body", "晨会5分钟后开始"),
            "/today",
            **fields,
        )
        n.due_at = fields.get("due_at", NOW)
        n.created_at = NOW
        db.session.commit()
        return n.id


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_round_trip_decrypts_to_the_payload_with_valid_vapid_and_ttl(
    app, db, branch, device_for, push_service, vapid_key
):
    """What the push service gets decrypts to the payload; the VAPID JWT verifies; TTL and Urgency set."""
    staff = make_staff(Role.WEALTH_MANAGER, branch)
    device = device_for(staff)
    nid = queue_one(app, staff)
    before = int(time.time())
    with app.app_context():
        assert deliver_due(NOW) == {"sent": 1}
    [got] = push_service.received
    assert got.path == device.path
    assert device.decrypt(got.body) == {
        "title": "周建华",
        "body": "晨会5分钟后开始",
        "url": "/today",
        "tag": f"n{nid}",
        "kind": "branch_broadcast",
    }
    assert got.headers["content-encoding"] == "aes128gcm"
    assert got.headers["ttl"] == "600" and got.headers["urgency"] == "high"
    assert got.headers["topic"] == f"n{nid}"
    # VAPID (RFC 8292): "vapid t=<JWT>,k=<public key>"; the JWT is ES256 over header.claims.
    scheme, params = got.headers["authorization"].split(" ", 1)
    parts = dict(p.split("=", 1) for p in params.split(","))
    assert scheme == "vapid"
    assert parts["k"] == services_public_key(app)
    header_b64, claims_b64, signature_b64 = parts["t"].split(".")
    assert json.loads(b64decode(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    claims = json.loads(b64decode(claims_b64))
    assert claims["aud"] == push_service.url
    assert claims["sub"] == "mailto:ops@branch.example.com"
    assert before < claims["exp"] <= int(time.time()) + 24 * 3600
    verify_es256(vapid_key, f"{header_b64}.{claims_b64}".encode(), b64decode(signature_b64))
    with app.app_context():
        n = db.session.get(Notification, nid)
        assert n.status == Status.SENT and n.sent_at == NOW and n.attempts == 1
        assert db.session.get(PushSubscription, device.subscription_id).last_success_at == NOW
        assert db.session.scalar(select(Delivery.status)) == DeliveryStatus.SENT


def services_public_key(app) -> str:
    from webapp.push.keys import public_key

    with app.app_context():
        return public_key()


def verify_es256(vapid, signed: bytes, signature: bytes) -> None:
    """A JWS ES256 signature is r||s; cryptography wants DER."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    vapid.public_key.verify(encode_dss_signature(r, s), signed, ec.ECDSA(hashes.SHA256()))


def test_every_device_of_the_person_gets_it(app, db, branch, device_for, push_service):
    """Two devices, two messages, each decryptable only with its own keys."""
    staff = make_staff(Role.RETAIL_AM, branch)
    phone, tablet = device_for(staff), device_for(staff)
    queue_one(app, staff)
    with app.app_context():
        deliver_due(NOW)
    by_path = {r.path: r for r in push_service.received}
    assert phone.decrypt(by_path[phone.path].body)["body"] == "晨会5分钟后开始"
    assert tablet.decrypt(by_path[tablet.path].body)["body"] == "晨会5分钟后开始"


def test_410_deletes_the_subscription_and_404_too(app, db, branch, device_for, push_service):
    """A subscription the push service calls gone is deleted; the notification failed."""
    staff = make_staff(Role.RETAIL_AM, branch)
    gone, missing = device_for(staff), device_for(staff)
    push_service.answer(gone.path, 410)
    push_service.answer(missing.path, 404)
    nid = queue_one(app, staff)
    with app.app_context():
        assert deliver_due(NOW) == {"failed": 1}
        assert db.session.scalar(select(func.count(PushSubscription.id))) == 0
        assert db.session.get(Notification, nid).status == Status.FAILED
        statuses = db.session.scalars(select(Delivery.status)).all()
        assert statuses == [DeliveryStatus.GONE, DeliveryStatus.GONE]


def test_500_is_retried_with_backoff_and_only_to_the_failed_device(
    app, db, branch, device_for, push_service
):
    """A 500 keeps the notification pending until its backoff passes; the good device is not resent."""
    staff = make_staff(Role.RETAIL_AM, branch)
    good, flaky = device_for(staff), device_for(staff)
    push_service.answer(flaky.path, 500)
    nid = queue_one(app, staff)
    with app.app_context():
        assert deliver_due(NOW) == {"pending": 1}
        n = db.session.get(Notification, nid)
        assert n.status == Status.PENDING and n.attempts == 1
        assert n.due_at == NOW + backoff(1) == NOW + timedelta(seconds=30)
        assert "500" in n.last_error
        assert deliver_due(NOW + timedelta(seconds=29)) == {}  # not yet
        assert deliver_due(NOW + timedelta(seconds=30)) == {"sent": 1}
        assert db.session.get(Notification, nid).status == Status.SENT
    paths = [r.path for r in push_service.received]
    assert paths.count(good.path) == 1 and paths.count(flaky.path) == 2


def test_retries_stop_after_the_last_attempt(app, db, branch, device_for, push_service):
    """Five 503s in a row: the notification fails and is not tried again."""
    staff = make_staff(Role.RETAIL_AM, branch)
    device = device_for(staff)
    push_service.answer(device.path, *[503] * 5)
    nid = queue_one(app, staff, expires_at=NOW + timedelta(days=1))
    with app.app_context():
        at = NOW
        for _ in range(5):
            deliver_due(at)
            at += timedelta(hours=1)
        n = db.session.get(Notification, nid)
        assert n.status == Status.FAILED and n.attempts == 5
        assert deliver_due(at) == {}
    assert len(push_service.received) == 5


def test_network_error_is_retried(app, db, branch, vapid_key):
    """Nothing listening at the endpoint: a network error, retried later, not a crash."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with app.app_context():
        db.session.add(
            PushSubscription(
                staff_id=staff.id,
                endpoint="http://127.0.0.1:9/push/x",
                p256dh=DUMMY_P256DH,
                auth="AAAAAAAAAAAAAAAAAAAAAA",
            )
        )
        db.session.commit()
    nid = queue_one(app, staff)
    with app.app_context():
        assert deliver_due(NOW) == {"pending": 1}
        assert db.session.get(Notification, nid).last_error.startswith("network")


DUMMY_P256DH = (
    "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"
)


def test_nobody_subscribed_is_recorded_not_retried(app, db, branch, push_service, vapid_key):
    """No device: status no_device, nothing sent, never retried."""
    staff = make_staff(Role.TELLER, branch)
    nid = queue_one(app, staff)
    with app.app_context():
        assert deliver_due(NOW) == {"no_device": 1}
        assert db.session.get(Notification, nid).status == Status.NO_DEVICE
        assert deliver_due(NOW + timedelta(hours=1)) == {}
    assert push_service.received == []


def test_quiet_hours_hold_the_notification_until_they_end(
    app, db, branch, device_for, push_service
):
    """22:00–07:00 quiet (Shanghai): a 23:00 notification goes out at 07:00, not before."""
    staff = make_staff(Role.RETAIL_AM, branch)
    device_for(staff)
    with app.app_context():
        services.save_preferences(
            db.session.merge(staff),
            {
                "quiet_start": datetime(2000, 1, 1, 22).time(),
                "quiet_end": datetime(2000, 1, 1, 7).time(),
            },
        )
        db.session.commit()
    night = datetime(2026, 11, 23, 15, 0)  # 23:00 local
    nid = queue_one(app, staff, kind=Kind.TEST, due_at=night)
    with app.app_context():
        assert deliver_due(night) == {"quiet": 1}
        n = db.session.get(Notification, nid)
        assert n.status == Status.PENDING and n.due_at == datetime(
            2026, 11, 23, 23, 0
        )  # 07:00 local
        assert deliver_due(datetime(2026, 11, 23, 22, 59)) == {}
        assert deliver_due(datetime(2026, 11, 23, 23, 0)) == {"sent": 1}
    assert len(push_service.received) == 1


def test_a_notification_useless_after_quiet_hours_expires(
    app, db, branch, device_for, push_service
):
    """A huddle call made during someone's quiet hours is not delivered the next morning."""
    staff = make_staff(Role.RETAIL_AM, branch)
    device_for(staff)
    with app.app_context():
        services.save_preferences(
            db.session.merge(staff),
            {
                "quiet_start": datetime(2000, 1, 1, 12).time(),
                "quiet_end": datetime(2000, 1, 1, 13).time(),
            },
        )
        db.session.commit()
    noon = datetime(2026, 11, 23, 4, 30)  # 12:30 local
    nid = queue_one(app, staff, due_at=noon, expires_at=noon + timedelta(minutes=10))
    with app.app_context():
        assert deliver_due(noon) == {"expired": 1}
        assert db.session.get(Notification, nid).status == Status.EXPIRED
    assert push_service.received == []


def test_a_kind_turned_off_is_not_queued(app, db, branch):
    """Preferences are applied when the event happens: nothing is written for a kind turned off."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with app.app_context():
        member = db.session.merge(staff)
        services.save_preferences(member, {"branch_broadcast": False})
        db.session.commit()
        assert services.enqueue(member, Kind.BRANCH_BROADCAST, "x") is None
        assert services.enqueue(member, Kind.TEST, "x") is not None  # a test always goes
        db.session.commit()
        assert db.session.scalar(select(func.count(Notification.id))) == 1
        assert db.session.get(Preference, staff.id).branch_broadcast is False


def test_finished_history_older_than_sixty_days_is_pruned(
    app, db, branch, device_for, push_service
):
    """The outbox does not grow for ever: old finished rows go, pending and recent ones stay."""
    from webapp.push.delivery import prune

    staff = make_staff(Role.RETAIL_AM, branch)
    device_for(staff)
    old_sent = queue_one(app, staff, due_at=NOW - timedelta(days=61))
    old_pending = queue_one(app, staff, due_at=NOW + timedelta(days=1))
    recent = queue_one(app, staff)
    with app.app_context():
        deliver_due(NOW)  # delivers old_sent and recent (with their Delivery rows)
        for nid in (old_sent, old_pending):
            db.session.get(Notification, nid).created_at = NOW - timedelta(days=61)
        db.session.commit()
        assert prune(NOW) == 1
        assert sorted(db.session.scalars(select(Notification.id))) == sorted([old_pending, recent])
        assert db.session.scalar(select(func.count(Delivery.id))) == 1


def test_a_bad_subscription_never_stops_the_pass(app, db, branch, device_for, push_service):
    """A stored endpoint the HTTP client would aim at 127.0.0.1 (with a port) is not sent to;
    the colleague's device and the person's good device get theirs in the same pass."""
    staff, colleague = make_staff(Role.RETAIL_AM, branch), make_staff(Role.TELLER, branch)
    port = push_service.url.rsplit(":", 1)[1]
    with app.app_context():
        bad = PushSubscription(
            staff_id=staff.id,
            endpoint=f"https://127.0.0.1:{port}\\@fcm.googleapis.com/push/bad",
            p256dh=DUMMY_P256DH,
            auth="AAAAAAAAAAAAAAAAAAAAAA",
        )
        db.session.add(bad)
        db.session.commit()
    good, theirs = device_for(staff), device_for(colleague)
    mine, other = queue_one(app, staff), queue_one(app, colleague)
    with app.app_context():
        assert deliver_due(NOW) == {"sent": 2}
        assert db.session.get(Notification, mine).status == Status.SENT
        assert db.session.get(Notification, other).status == Status.SENT
        assert "endpoint" in db.session.get(Notification, mine).last_error
    assert sorted(r.path for r in push_service.received) == sorted([good.path, theirs.path])
    assert good.decrypt(push_service.received[0].body)["body"] == "晨会5分钟后开始"
