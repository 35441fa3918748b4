"""Sessions that end when they should: revocation, idle timeout and absolute lifetime.

Sessions are signed cookies (no server-side store; several workers), so what revokes one is
kept on the person's own row, which every request loads anyway: no extra statement.

The session id Flask-Login keeps (`_user_id`) is "staff id : generation : sid : signed-in at":
- generation (Staff.session_token) is replaced by "sign out on every device", a password change
  or reset, deactivation and a new second factor: every session issued before ends;
- sid names this device's session; signing out adds it to Staff.revoked_sessions until the
  session would have expired anyway, so a copied cookie is dead and other devices stay in;
- signed-in at (seconds since the epoch) bounds the session's whole life; the last request's
  time (`_seen` in the session, refreshed at most once a minute) bounds idleness.
"Keep me signed in" makes the cookie outlive the browser (a permanent session) and gives it the
longer REMEMBERED_* limits; Flask-Login's remember cookie is not used (it carries no time).
A session id in any other form (one issued before this scheme) is refused: sign in again.
"""

import secrets
import time

from flask import current_app, flash, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from webapp.auth.models import Staff
from webapp.extensions import db

SEEN = "_seen"
# Set at sign-in when the administrator requires a second factor the person has not set up.
MUST_ENROL = "_must_enrol"
# Written back at most this often: a cookie rewritten on every request costs bytes for nothing.
SEEN_RESOLUTION = 60
# Requests a page makes by itself on a timer are not someone using it: a board left open on a
# screen must not keep a session alive past its idle timeout.
POLLED_ENDPOINTS = frozenset({"lobby.rows"})
# Marks the service worker's own requests (static/sw.js: the pages it keeps, the outbox's flush).
WORKER_HEADER = "X-Worker"
# Where Flask-WTF keeps the session's CSRF token (WTF_CSRF_FIELD_NAME, its default).
CSRF_FIELD = "csrf_token"


def now() -> int:
    """Seconds since the epoch (time_machine moves it in tests)."""
    return int(time.time())


def session_id(user: Staff) -> str:
    """This request's session id for the user, or a new one (a new sign-in) when there is none."""
    current = getattr(user, "_session_id", None)
    if current:
        return current
    return f"{user.id}:{user.session_token}:{secrets.token_hex(8)}:{now()}"


def limits(remembered: bool) -> tuple[int, int]:
    """(idle timeout, absolute lifetime) in seconds for a session."""
    config = current_app.config
    if remembered:
        idle, life = config["REMEMBERED_IDLE_TIMEOUT"], config["REMEMBERED_MAX_AGE"]
    else:
        idle, life = config["SESSION_IDLE_TIMEOUT"], config["SESSION_MAX_AGE"]
    return int(idle.total_seconds()), int(life.total_seconds())


def new_generation(user: Staff) -> None:
    """End every session of the user, on every device (the caller commits)."""
    user.session_token = secrets.token_hex(8)
    user.revoked_sessions = ""


def revoke(user: Staff, sid: str, expires: int) -> None:
    """End one session (a device's) for good; forget revocations of sessions already expired."""
    moment = now()
    kept = [w for w in user.revoked_sessions.split() if int(w.partition(":")[2] or 0) > moment]
    user.revoked_sessions = " ".join([*kept, f"{sid}:{expires}"])


def parse(user_id: str) -> tuple[int, str, str, int] | None:
    """The parts of a session id, or None when it is not one of ours."""
    parts = user_id.split(":")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[3].isdigit() or not parts[2]:
        return None
    return int(parts[0]), parts[1], parts[2], int(parts[3])


# Every request of a signed-in user runs this first: built once (a third cheaper than
# session.get with its options), with the branch in the same statement as every top bar names it.
_SIGNED_IN = select(Staff).options(joinedload(Staff.branch)).where(Staff.id == bindparam("id"))


def load_user(user_id: str) -> Staff | None:
    """Flask-Login loader: the signed-in person, or None when the session has ended."""
    parts = parse(user_id)
    if parts is None:
        return _ended()
    staff_id, generation, sid, signed_in_at = parts
    user = db.session.execute(_SIGNED_IN, {"id": staff_id}).scalar_one_or_none()
    if user is None or not user.active or user.session_token != generation:
        return _ended()
    if f" {sid}:" in f" {user.revoked_sessions}":
        return _ended()
    moment = now()
    idle, life = limits(session.permanent)
    seen = session.get(SEEN, signed_in_at)
    if moment - signed_in_at > life or moment - seen > idle or signed_in_at > moment + 60:
        return _ended(timed_out=True)
    if moment - seen >= SEEN_RESOLUTION and request.endpoint not in POLLED_ENDPOINTS:
        session[SEEN] = moment
    user._session_id = user_id
    return user


def _ended(timed_out: bool = False) -> None:
    """Forget an ended session, so its cookie is not read again (announce_end says why)."""
    session.clear()
    g.session_timed_out = timed_out
    return None


def from_the_worker() -> bool:
    """Whether the service worker sent this request on its own (static/sw.js marks them), or
    the browser asked for the worker's script (its update check, on every page load)."""
    headers = request.headers
    return bool(headers.get(WORKER_HEADER)) or headers.get("Service-Worker") == "script"


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that the service worker's own requests never
    write the cookie. Sent before a sign-out, they can be answered after the sign-in page has
    given the next person's form its CSRF token, and any cookie they wrote (an ended session
    cleared, a kept one renewed) would throw that token away and refuse the sign-in. The one
    exception keeps a CSRF token the worker had to make for a live session that had none."""

    def open_session(self, app, request):
        """The cookie's session, noting whether it came with a CSRF token."""
        session = super().open_session(app, request)
        g.csrf_at_open = session is not None and CSRF_FIELD in session
        return session

    def save_session(self, app, session, response) -> None:
        """Write the cookie, unless the worker asked (and made no token a live session needs)."""
        if from_the_worker():
            made_a_token = CSRF_FIELD in session and not g.get("csrf_at_open")
            if not (made_a_token and "_user_id" in session):
                return
        super().save_session(app, session, response)


def announce_end() -> None:
    """Tell a person whose session timed out why they are asked to sign in (not from inside
    the loader: the language is chosen from the user being loaded)."""
    if g.pop("session_timed_out", False):
        flash(_("Your session has ended. Sign in to continue."), "info")


def current_sid() -> tuple[str, int] | None:
    """This session's sid and the moment it would expire, when one is signed in."""
    parts = parse(session.get("_user_id", ""))
    if parts is None:
        return None
    _staff, _generation, sid, signed_in_at = parts
    return sid, signed_in_at + max(limits(True)[1], limits(False)[1])
