"""The offline protocol, in one place so every offline-capable form replays the same way.

- Create: the form carries a `client_id` (a UUID made on the phone). The row stores it in a
  UNIQUE column (OfflineRecordMixin). Replaying the same request returns the first row,
  never a second one; the same id with a different payload is refused (ClientIdReused).
- Edit: the form carries the `version` it was based on; the database moves the version on
  only from that one (check_version), so a stale edit raises StaleVersion (the view answers 409
  with a page showing both versions) even when two arrive at the same moment.
"""

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value
from wtforms.validators import ValidationError

from webapp.extensions import db

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Fields that differ between a first attempt and its replay without changing its meaning.
IGNORED_FIELDS = frozenset({"csrf_token", "client_id", "queued_at"})


class ClientIdReused(Exception):
    """The same client_id arrived with a different payload: a client bug, never merged."""


class StaleVersion(Exception):
    """An edit was based on an older version than the one stored."""

    def __init__(self, current, submitted_version: int):
        super().__init__(f"stale edit: based on v{submitted_version}, stored v{current.version}")
        self.current = current
        self.submitted_version = submitted_version


class OfflineRecordMixin:
    """Columns for rows that may be created offline: the phone's id and a payload fingerprint."""

    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    client_fingerprint: Mapped[str | None] = mapped_column(String(64))


def new_client_id() -> str:
    """A fresh client id, for forms rendered by the server."""
    return str(uuid.uuid4())


def is_client_id(value: str | None) -> bool:
    """Whether the value looks like a UUID made by the page (lower-case, hyphenated)."""
    return bool(value and UUID_RE.match(value))


def device_id(form, field) -> None:
    """The validator of an offline-capable form's client_id field."""
    if not is_client_id(field.data):
        raise ValidationError(_l("This form is missing its device id: reload the page."))


def parse_client_time(value: str | None) -> datetime | None:
    """A time the phone stamped (ISO 8601, UTC: a visit's check-in, an outbox item's queued_at)
    as naive UTC, or None when absent or bad."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def fingerprint(payload: Mapping) -> str:
    """A stable hash of a submitted form, ignoring the fields a replay may change."""
    if hasattr(payload, "to_dict"):
        payload = payload.to_dict(flat=False)
    items = {k: v for k, v in payload.items() if k not in IGNORED_FIELDS}
    encoded = json.dumps(items, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def find_replay(model, client_id: str, payload: Mapping):
    """The row already created for this client_id, or None; refuse a reused id."""
    row = db.session.scalar(select(model).where(model.client_id == client_id))
    if row is not None and row.client_fingerprint not in (None, fingerprint(payload)):
        raise ClientIdReused(client_id)
    return row


def stamp(row, client_id: str, payload: Mapping) -> None:
    """Record the client id and payload fingerprint on a new row."""
    row.client_id = client_id
    row.client_fingerprint = fingerprint(payload)


def create_once(
    model,
    client_id: str,
    payload: Mapping,
    build: Callable[[], Any],
    then: Callable[[Any], None] | None = None,
):
    """Create an offline-capable row once per client_id: (row, True) when `build()` made it now,
    (the first row, False) for a replay or for a copy that lost a race with the first (a double
    tap, two tabs, two flushes). The replay check comes before anything is made; the row,
    what `build()` made with it (a new customer) and what `then(row)` adds once it has an id (a
    schedule entry, a notification) are one savepoint, so a copy that loses the race leaves
    none of it behind."""
    existing = find_replay(model, client_id, payload)
    if existing is not None:
        return existing, False
    try:
        with db.session.begin_nested():
            row = build()
            stamp(row, client_id, payload)
            db.session.add(row)
            db.session.flush()
            if then is not None:
                then(row)
    except IntegrityError:
        existing = find_replay(model, client_id, payload)
        if existing is None:
            raise
        return existing, False
    return row, True


def check_version(row, submitted_version: int | str | None, edit_id: str | None = None) -> bool:
    """Claim the next version of a row (with `version` and `last_edit_id`) for an edit based on
    `submitted_version`, in the database and atomically, so that of two edits from one version
    exactly one wins: True when claimed (the edit goes on in this transaction); False when this
    very edit (`edit_id`) was applied by a copy that raced it; StaleVersion when another won."""
    try:
        submitted = int(submitted_version)
    except (TypeError, ValueError):
        submitted = -1
    model = type(row)
    values = {"version": submitted + 1, "last_edit_id": edit_id or None}
    # PostgreSQL holds the row lock until commit; a second UPDATE waits, then finds the
    # version moved on and matches nothing; a comparison in Python would let both through.
    claimed = db.session.execute(
        update(model)
        .where(model.id == row.id, model.version == submitted)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed == 1:
        for name, value in values.items():
            set_committed_value(row, name, value)
        return True
    db.session.refresh(row)
    if edit_id and row.last_edit_id == edit_id:
        return False
    raise StaleVersion(row, submitted)


# The service worker marks a request it replays from the outbox. A replayed form that fails
# validation must not look like success (2xx would delete it from the outbox), so it gets 422.
REPLAY_HEADER = "X-Outbox-Replay"
# Sent by the service worker when it fetches a page to keep on the phone (fetchAndKeep): no
# person opened it then, but it is served in full, so a customer's page is audited as precache.
PRECACHE_HEADER = "X-Precache"
# A replay names the person whose outbox item it is; the server refuses it (409) for anyone else.
OWNER_HEADER = "X-Outbox-Owner"
# Who is signed in, readable by the service worker even offline (sync/person.py).
PERSON_COOKIE = "bk_person"
# What the worker keeps: the app shell (one cache per version, named shell-<version>), the
# pages and fragments of the one person signed in (each response tagged with that person), and
# the bank's map tiles when it has a tile server (pictures of streets, anyone's).
CACHE_NAMES = {
    "shell": "shell-",
    "pages": "pages-v1",
    "fragments": "fragments-v1",
    "tiles": "tiles-v1",
}


def is_replay() -> bool:
    """Whether the current request is a replay sent by the service worker's outbox."""
    from flask import request

    return request.headers.get(REPLAY_HEADER) == "1"


def invalid_form_status() -> int:
    """The status for a re-rendered invalid form: 200 for a person, 422 for an outbox replay."""
    return 422 if is_replay() else 200
