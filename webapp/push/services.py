"""Every state change of the push domain: the outbox, devices, preferences, broadcasts."""

import base64
import binascii
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.routing import BuildError

from webapp.auth.models import Role, Staff
from webapp.extensions import db
from webapp.push import endpoints
from webapp.push.models import ALWAYS_SENT, Kind, Notification, Preference, PushSubscription
from webapp.timeutil import now_naive

# Time to live and urgency per kind: a referral matters while the customer is in the branch.
DELIVERY = {
    Kind.REFERRAL_RECEIVED: (30 * 60, "high"),
    Kind.REFERRAL_OVERDUE: (60 * 60, "high"),
    Kind.APPOINTMENT_REMINDER: (30 * 60, "high"),
    Kind.APPOINTMENT_ARRIVED: (30 * 60, "high"),  # the customer waits in the lobby
    Kind.FIELD_VISIT_MORNING: (3 * 60 * 60, "normal"),
    Kind.COMMITMENT_NUDGE: (30 * 60, "normal"),
    Kind.BRANCH_BROADCAST: (10 * 60, "high"),
    Kind.LOBBY_LONG_WAIT: (15 * 60, "high"),
    Kind.HAND_OVER: (24 * 60 * 60, "normal"),
    Kind.TEST: (10 * 60, "normal"),
}


def path_for(endpoint: str, fallback: str, **values) -> str:
    """The path of an endpoint, buildable in the worker (no request); `fallback` when the
    endpoint's domain is not installed (a str.format pattern of the same values)."""
    try:
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return fallback.format(**values)


def preferences_for(staff_ids) -> dict[int, Preference]:
    """Each person's preferences in one query; people without a saved row get the defaults."""
    ids = list(set(staff_ids))
    found = {
        p.staff_id: p
        for p in db.session.scalars(select(Preference).where(Preference.staff_id.in_(ids)))
    }
    return {sid: found.get(sid) or default_preference(sid) for sid in ids}


def default_preference(staff_id: int) -> Preference:
    """An unsaved preference row holding the defaults (everything on, 30 minutes' lead)."""
    every_kind_on = {kind.value: True for kind in Kind if kind not in ALWAYS_SENT}
    return Preference(staff_id=staff_id, lead_minutes=30, **every_kind_on)


def enqueue(
    staff: Staff,
    kind: Kind,
    title: str,
    body: str = "",
    url: str = "/",
    *,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
    dedupe_key: str | None = None,
    created_by: Staff | None = None,
    preference: Preference | None = None,
    now: datetime | None = None,
) -> Notification | None:
    """Add a notification to the outbox in the caller's transaction (no commit); None when the
    person is inactive, has turned this kind off, or it was already written (dedupe_key).
    `now` is the scheduler's clock when it has one, so a pass and its notifications agree."""
    if not staff.active:
        return None
    preference = preference or preferences_for([staff.id])[staff.id]
    if not preference.wants(kind):
        return None
    if dedupe_key and db.session.scalar(
        select(Notification.id).where(Notification.dedupe_key == dedupe_key)
    ):
        return None
    ttl, urgency = DELIVERY[kind]
    now = now or now_naive()
    notification = Notification(
        staff_id=staff.id,
        branch_id=staff.branch_id,
        kind=kind,
        title=title[:120],
        body=body[:300],
        url=url,
        urgency=urgency,
        ttl_seconds=ttl,
        created_at=now,
        due_at=due_at or now,
        expires_at=expires_at,
        dedupe_key=dedupe_key,
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(notification)
    return notification


class BadSubscription(ValueError):
    """The browser's subscription is malformed or points at a host that is not a push service."""


def _b64url(value: str, size: int, what: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise BadSubscription(f"{what} is not base64url") from error
    if len(raw) != size:
        raise BadSubscription(f"{what} has {len(raw)} bytes, expected {size}")
    return value


def push_host_allowed(endpoint: str) -> bool:
    """Whether the worker may POST to the endpoint (webapp/push/endpoints.py says why not)."""
    return endpoints.refusal(endpoint) is None


def subscribe(staff: Staff, data: dict, user_agent: str = "") -> PushSubscription:
    """Save this device's subscription for the person (a device signed in by someone else
    moves to the new person); raise BadSubscription for malformed or foreign endpoints."""
    endpoint = str((data or {}).get("endpoint") or "")
    keys = (data or {}).get("keys") or {}
    if not endpoint or len(endpoint) > 1000:
        raise BadSubscription("endpoint is missing or too long")
    if why := endpoints.refusal(endpoint):
        raise BadSubscription(why)
    p256dh = _b64url(str(keys.get("p256dh") or ""), 65, "p256dh")
    auth = _b64url(str(keys.get("auth") or ""), 16, "auth")
    sub = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if sub is None:
        sub = PushSubscription(endpoint=endpoint, created_at=now_naive())
        db.session.add(sub)
    sub.staff_id, sub.p256dh, sub.auth = staff.id, p256dh, auth
    sub.label = device_label(user_agent)
    db.session.flush()
    return sub


def device_label(user_agent: str) -> str:
    """A short name for the device from its User-Agent: "Chrome · Android"."""
    ua = user_agent or ""
    system = next(
        (
            name
            for token, name in (
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Android", "Android"),
                ("Windows", "Windows"),
                ("Mac OS X", "macOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        "",
    )
    return " · ".join(p for p in (browser, system) if p)[:80] or "?"


def unsubscribe(sub: PushSubscription) -> None:
    """Forget a device: it receives nothing more."""
    db.session.delete(sub)
    db.session.flush()


def save_preferences(staff: Staff, values: dict) -> Preference:
    """Store the person's kinds, lead time and quiet hours."""
    preference = db.session.get(Preference, staff.id)
    if preference is None:
        preference = default_preference(staff.id)
        db.session.add(preference)
    for name, value in values.items():
        setattr(preference, name, value)
    db.session.flush()
    return preference


def broadcast(manager: Staff, message: str) -> int:
    """Send a short message from the branch manager to every active colleague of the branch;
    return how many notifications were written."""
    staff = db.session.scalars(
        select(Staff).where(
            Staff.branch_id == manager.branch_id,
            Staff.active.is_(True),
            Staff.id != manager.id,
            Staff.role != Role.ADMIN,
        )
    ).all()
    preferences = preferences_for([s.id for s in staff])
    now = now_naive()
    made = 0
    for member in staff:
        notification = enqueue(
            member,
            Kind.BRANCH_BROADCAST,
            title=manager.name,
            body=message.strip(),
            url=path_for("home.index", "/"),
            expires_at=now + timedelta(seconds=DELIVERY[Kind.BRANCH_BROADCAST][0]),
            created_by=manager,
            preference=preferences[member.id],
        )
        if notification is not None:
            notification.created_at = notification.due_at = now  # one broadcast, one time
            made += 1
    db.session.flush()
    return made


def send_test(staff: Staff, title: str, body: str) -> Notification | None:
    """Queue a test notification for all of the person's devices."""
    notification = enqueue(staff, Kind.TEST, title, body, url=path_for("push.settings", "/push/"))
    db.session.flush()
    return notification
