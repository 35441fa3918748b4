"""Running BranchKit in production: the deployment check (`flask check`) and JSON-lines logs.

Logs are plain text unless BRANCHKIT_LOG_FORMAT=json: then every line is one JSON object with
the request id (the X-Request-ID a proxy sent, else a new one, echoed in the response) and the
signed-in person's staff id, formatted by python-json-logger.
"""

import logging
import os
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user
from flask_migrate import Migrate
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.config import TestConfig
from webapp.extensions import db
from webapp.push import keys

MIN_SECRET_LENGTH = 32
REQUEST_ID_HEADER = "X-Request-ID"


@dataclass
class Finding:
    """One check's result: whether it passed and what it found, in plain words."""

    ok: bool
    what: str
    detail: str


def check_deployment() -> list[Finding]:
    """Every check of a deployment before it starts, in the order an operator fixes them."""
    return [_secret_key(), *_database(), _push_keys(), _time_zone()]


def _secret_key() -> Finding:
    """The session-signing key is set, long and not the test suite's."""
    key = current_app.config.get("SECRET_KEY") or ""
    if key == TestConfig.SECRET_KEY:
        return Finding(False, "Secret key", "SECRET_KEY is the test suite's key; set your own.")
    if len(key) < MIN_SECRET_LENGTH:
        return Finding(
            False,
            "Secret key",
            f"SECRET_KEY is {len(key)} characters; use at least {MIN_SECRET_LENGTH} "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))").',
        )
    source = "SECRET_KEY" if os.environ.get("SECRET_KEY") else "the instance folder"
    return Finding(True, "Secret key", f"set ({source}).")


def _database() -> list[Finding]:
    """The database answers, and its schema is at the migrations' head."""
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as error:
        reason = str(error.orig if hasattr(error, "orig") else error).strip().splitlines()[0]
        return [
            Finding(False, "Database", f"cannot connect to {url}: {reason}"),
            Finding(False, "Migrations", "not checked: the database does not answer."),
        ]
    migrate: Migrate = current_app.extensions["migrate"]
    config = migrate.migrate.get_config(migrate.directory)
    head = ScriptDirectory.from_config(config).get_current_head()
    reached = Finding(True, "Database", f"answers ({url}).")
    if current is None:
        return [
            reached,
            Finding(False, "Migrations", "the database is empty: run flask db upgrade."),
        ]
    if current != head:
        return [
            reached,
            Finding(
                False,
                "Migrations",
                f"the database is at {current}, the code expects {head}: run flask db upgrade.",
            ),
        ]
    return [reached, Finding(True, "Migrations", f"current ({head}).")]


def _push_keys() -> Finding:
    """A VAPID key is configured, so notifications can be sent."""
    if keys.public_key() is None:
        return Finding(
            False,
            "Push keys",
            "no VAPID key: set VAPID_PRIVATE_KEY or run flask push init-keys.",
        )
    subject = keys.subject()
    return Finding(True, "Push keys", f"present (contact {subject}).")


def _time_zone() -> Finding:
    """BRANCHKIT_TIMEZONE names a real zone (the branch's local day depends on it)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return Finding(
            False, "Time zone", f"BRANCHKIT_TIMEZONE={name!r} is not a time zone (Asia/Shanghai)."
        )
    return Finding(True, "Time zone", f"{name}.")


# --- logs ---------------------------------------------------------------------------------


class RequestContext(logging.Filter):
    """Adds the request id and the signed-in person's id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach request_id and staff_id (None outside a request or signed out)."""
        record.request_id = g.get("request_id") if has_request_context() else None
        record.staff_id = None
        if has_request_context() and "_login_user" in g and current_user.is_authenticated:
            record.staff_id = current_user.id
        return True


def init_logging(app: Flask) -> None:
    """JSON lines when BRANCHKIT_LOG_FORMAT=json, and a request id on every request."""
    # First of the hooks, so a request refused by the access rule has its id too.
    app.before_request_funcs.setdefault(None, []).insert(0, _request_id)
    app.after_request(_echo_request_id)
    if os.environ.get("BRANCHKIT_LOG_FORMAT", app.config.get("LOG_FORMAT", "")) != "json":
        return
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}{staff_id}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RequestContext())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.INFO)


def _request_id() -> None:
    """This request's id: the proxy's when it sent a sane one, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if 0 < len(given) <= 64 and given.isprintable() else uuid.uuid4().hex


def _echo_request_id(response):
    """Send the request id back, so a user's report can be found in the logs."""
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response
