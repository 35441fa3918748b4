"""The offline protocol, in one place for every offline-capable form (DESIGN.md "Offline").

- Create: the form carries a `client_id` (a UUID made on the phone). The row stores it in a
  UNIQUE column (OfflineRecordMixin). Replaying the same request returns the first row,
  never a second one; the same id with a different payload is refused (ClientIdReused).
- Edit: the form carries the `version` it was based on; a stale edit raises StaleVersion
  (the view answers 409 with a page showing both versions).
"""

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
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


def commit_once(row, client_id: str, payload: Mapping):
    """Commit a new offline-capable row: (row, True); when a copy of the same request raced it
    (a double tap, two tabs) and committed first, (that first row, False)."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = find_replay(type(row), client_id, payload)
        if existing is None:
            raise
        return existing, False
    return row, True


def check_version(row, submitted_version: int | str | None) -> None:
    """Raise StaleVersion when the edit was based on an older version; else bump the version."""
    try:
        submitted = int(submitted_version)
    except (TypeError, ValueError):
        submitted = -1
    if submitted != row.version:
        raise StaleVersion(row, submitted)
    row.version = row.version + 1


# The service worker marks a request it replays from the outbox. A replayed form that fails
# validation must not look like success (2xx would delete it from the outbox), so it gets 422.
REPLAY_HEADER = "X-Outbox-Replay"
# A replay names the person whose outbox item it is; the server refuses it (409) for anyone else.
OWNER_HEADER = "X-Outbox-Owner"
# Who is signed in, readable by the service worker even offline (sync/person.py).
PERSON_COOKIE = "bk_person"
# What the worker keeps: the app shell (one cache per version, named shell-<version>), and the
# pages and fragments of the one person signed in (each response tagged with that person).
CACHE_NAMES = {"shell": "shell-", "pages": "pages-v1", "fragments": "fragments-v1"}


def is_replay() -> bool:
    """Whether the current request is a replay sent by the service worker's outbox."""
    from flask import request

    return request.headers.get(REPLAY_HEADER) == "1"


def invalid_form_status() -> int:
    """The status for a re-rendered invalid form: 200 for a person, 422 for an outbox replay."""
    return 422 if is_replay() else 200
