"""The outbox worker's delivery pass: claim due notifications, send each device at most once.

A pass claims a batch (status `sending` plus a claim token, SKIP LOCKED on PostgreSQL and
a compare-and-set UPDATE everywhere), so two workers never take the same row. Before a
request leaves for a device, a Delivery row (notification, device: unique) is committed;
a worker killed mid-request leaves it `sending`, and recovery marks it `unknown` and never
sends it again. At most once per device; the tag shown by the service worker and the Topic
header let the browser and the push service collapse any repeat as well.
"""

import json
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import requests
from pywebpush import WebPushException, webpush
from requests import RequestException
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.push import endpoints, keys
from webapp.push.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    Preference,
    PushSubscription,
    Status,
)
from webapp.push.services import preferences_for
from webapp.timeutil import local_to_utc, now_naive, utc_to_local

LEASE = timedelta(minutes=2)  # a claim older than this belongs to a worker that died
KEEP = timedelta(days=60)  # history the settings page can show; older finished rows go
FINISHED = (Status.SENT, Status.NO_DEVICE, Status.FAILED, Status.EXPIRED)
MAX_ATTEMPTS = 5
BATCH = 50
GONE_CODES = {404, 410}

log = logging.getLogger(__name__)


class Outcome:
    """What a send did: `ok`, or the HTTP status (None for a network error) and a message."""

    def __init__(self, ok: bool, status: int | None = None, error: str = "", retry_after=None):
        self.ok, self.status, self.error, self.retry_after = ok, status, error, retry_after


Sender = Callable[[PushSubscription, str, Notification], Outcome]


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 2 min, 8 min, 32 min, capped at one hour."""
    return timedelta(seconds=min(30 * 4 ** max(attempts - 1, 0), 3600))


def payload_of(notification: Notification) -> str:
    """The JSON the service worker shows; no more customer data than the title and body hold."""
    return json.dumps(
        {
            "title": notification.title,
            "body": notification.body,
            "url": notification.url,
            "tag": f"n{notification.id}",
            "kind": notification.kind.value,
        },
        ensure_ascii=False,
    )


def make_webpush_sender() -> Sender:
    """A sender for one pass: the VAPID key loaded once (KeysMissing raised here, before
    anything is claimed) and one HTTP session, so connections to a push service are reused."""
    vapid = keys.load_vapid()
    subject = keys.subject()
    session = requests.Session()

    def send(sub: PushSubscription, payload: str, notification: Notification) -> Outcome:
        """Encrypt and POST one message with pywebpush (TTL and Urgency set, VAPID signed)."""
        try:
            response = webpush(
                subscription_info=sub.info(),
                data=payload,
                vapid_private_key=vapid,
                vapid_claims={"sub": subject},  # a fresh dict: pywebpush mutates it
                ttl=notification.ttl_seconds,
                headers={"Urgency": notification.urgency, "Topic": f"n{notification.id}"},
                timeout=10,
                requests_session=session,
            )
        except WebPushException as error:
            response = error.response
            if response is None:
                return Outcome(False, None, str(error)[:200])
            return Outcome(
                False,
                response.status_code,
                f"{response.status_code} {response.reason}"[:200],
                response.headers.get("Retry-After"),
            )
        except RequestException as error:
            return Outcome(False, None, f"network: {type(error).__name__}")
        except (ValueError, TypeError) as error:  # malformed stored keys: retry, then fail
            return Outcome(False, None, f"error: {type(error).__name__}")
        return Outcome(True, response.status_code)

    send.close = session.close
    return send


def quiet_until(preference: Preference, now: datetime) -> datetime | None:
    """When the person's quiet hours end (naive UTC), or None when `now` is not quiet."""
    start, end = preference.quiet_start, preference.quiet_end
    if start is None or end is None or start == end:
        return None
    local = utc_to_local(now)
    t = local.time()
    quiet = start <= t < end if start < end else (t >= start or t < end)
    if not quiet:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return local_to_utc(ends)


def recover_stale(now: datetime) -> int:
    """Give back claims a dead worker left; its in-flight device requests become `unknown`."""
    stale = db.session.scalars(
        select(Notification.id).where(
            Notification.status == Status.SENDING, Notification.claimed_at < now - LEASE
        )
    ).all()
    if stale:
        db.session.execute(
            update(Delivery)
            .where(Delivery.notification_id.in_(stale), Delivery.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.UNKNOWN)
        )
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(stale), Notification.status == Status.SENDING)
            .values(status=Status.PENDING, claim_token=None, claimed_at=None)
        )
    db.session.commit()
    return len(stale)


def claim(now: datetime, limit: int = BATCH) -> list[Notification]:
    """Take up to `limit` due notifications for this worker alone."""
    query = (
        select(Notification.id)
        .where(Notification.status == Status.PENDING, Notification.due_at <= now)
        .order_by(Notification.due_at, Notification.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = db.session.scalars(query).all()
    if not ids:
        db.session.commit()
        return []
    token = secrets.token_hex(16)
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.status == Status.PENDING)
        .values(status=Status.SENDING, claim_token=token, claimed_at=now)
    )
    db.session.commit()
    return db.session.scalars(
        select(Notification).where(Notification.claim_token == token).order_by(Notification.id)
    ).all()


def deliver_due(now: datetime | None = None, send: Sender | None = None, limit: int = BATCH):
    """One pass: recover dead claims, then claim and deliver batches until none is due.
    Returns counts per final status of the notifications handled."""
    now = now or now_naive()
    own = send is None
    send = send or make_webpush_sender()
    counts: dict[str, int] = {}
    try:
        recover_stale(now)
        while batch := claim(now, limit):
            preferences = preferences_for([n.staff_id for n in batch])
            for notification in batch:
                status = deliver_one(notification, now, send, preferences[notification.staff_id])
                counts[status] = counts.get(status, 0) + 1
    finally:
        if own:
            send.close()
    return counts


def deliver_one(notification: Notification, now: datetime, send: Sender, preference) -> str:
    """Send one claimed notification to each of the person's devices not yet served."""
    if notification.expires_at and now >= notification.expires_at:
        return _finish(notification, Status.EXPIRED)
    later = quiet_until(preference, now)
    if later is not None:
        if notification.expires_at and later >= notification.expires_at:
            return _finish(notification, Status.EXPIRED)
        notification.due_at = later
        return _finish(notification, Status.PENDING, "quiet")
    subs = db.session.scalars(
        select(PushSubscription).where(PushSubscription.staff_id == notification.staff_id)
    ).all()
    done = {
        d.subscription_id: d
        for d in db.session.scalars(
            select(Delivery).where(Delivery.notification_id == notification.id)
        )
    }
    payload = payload_of(notification)
    retry = False
    for sub in subs:
        delivery = done.get(sub.id)
        if delivery is not None and delivery.status != DeliveryStatus.FAILED:
            continue  # sent, gone, or unknown: never again
        refused = endpoints.refusal(sub.endpoint)
        delivery = _mark_sending(notification, sub, delivery, now)
        if delivery is None:
            continue  # another worker holds this device's delivery
        outcome = (
            Outcome(False, None, refused)
            if refused
            else _send_safely(send, sub, payload, notification)
        )
        delivery.status_code = outcome.status
        if refused:  # an endpoint the check refuses (a row stored unchecked): never worth a retry
            delivery.status = DeliveryStatus.FAILED
            notification.last_error = refused
        elif outcome.ok:
            delivery.status = DeliveryStatus.SENT
            sub.last_success_at = now
        elif outcome.status in GONE_CODES:
            delivery.status = DeliveryStatus.GONE
            delivery.subscription_id = None
            db.session.delete(sub)
        else:
            delivery.status = DeliveryStatus.FAILED
            notification.last_error = outcome.error
            retry = True
        # No commit here: the next device's claim or _settle commits the outcome. A worker
        # dying in between leaves `sending`, which recovery treats as unknown (never resent).
    return _settle(notification, now, retry, had_devices=bool(subs))


def _send_safely(send: Sender, sub, payload: str, notification: Notification) -> Outcome:
    """One device's send; whatever it raises fails that device only, never the whole pass."""
    try:
        return send(sub, payload, notification)
    except Exception as error:  # a library's surprise must not leave colleagues' rows `sending`
        log.exception("push to subscription %s failed", sub.id)
        return Outcome(False, None, f"error: {type(error).__name__}")


def _mark_sending(notification, sub, delivery, now):
    """Commit the device's delivery as `sending` before the request leaves (the at-most-once lock)."""
    if delivery is None:
        delivery = Delivery(
            notification_id=notification.id,
            subscription_id=sub.id,
            status=DeliveryStatus.SENDING,
            attempted_at=now,
        )
        db.session.add(delivery)
    else:
        delivery.status, delivery.attempted_at = DeliveryStatus.SENDING, now
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return delivery


def _settle(notification: Notification, now: datetime, retry: bool, had_devices: bool) -> str:
    """Decide the notification's state after an attempt."""
    notification.attempts += 1
    statuses = db.session.scalars(
        select(Delivery.status).where(Delivery.notification_id == notification.id)
    ).all()
    reached = any(s in (DeliveryStatus.SENT, DeliveryStatus.UNKNOWN) for s in statuses)
    if retry and notification.attempts < MAX_ATTEMPTS:
        notification.due_at = now + backoff(notification.attempts)
        return _finish(notification, Status.PENDING)
    if reached:
        return _finish(notification, Status.SENT, sent_at=now)
    if not had_devices and not statuses:
        return _finish(notification, Status.NO_DEVICE)
    return _finish(notification, Status.FAILED)


def _finish(notification: Notification, status: Status, note: str = "", sent_at=None) -> str:
    notification.status = status
    notification.claim_token = None
    notification.claimed_at = None
    if sent_at and notification.sent_at is None:
        notification.sent_at = sent_at
    db.session.commit()
    return note or status.value


def prune(now: datetime) -> int:
    """Delete finished notifications older than KEEP (and their deliveries); how many went."""
    old = select(Notification.id).where(
        Notification.status.in_(FINISHED), Notification.created_at < now - KEEP
    )
    db.session.execute(delete(Delivery).where(Delivery.notification_id.in_(old)))
    gone = db.session.execute(delete(Notification).where(Notification.id.in_(old))).rowcount
    db.session.commit()
    return gone
