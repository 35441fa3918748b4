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
    g.session_ended = True
    return None


def late_for_the_worker() -> bool:
    """Whether this is a request of the service worker that found its session ended. Sent
    before a sign-out, it can be answered after the sign-in page has given the next person's
    form its CSRF token: its answer leaves the device's cookies as they are by then."""
    return bool(g.get("session_ended") and request.headers.get(WORKER_HEADER))


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that the worker's late answers leave the cookie
    alone (clearing it threw the next person's CSRF token away and refused their sign-in). A
    page's request that finds its session ended still clears it."""

    def save_session(self, app, session, response) -> None:
        """Write the cookie, unless this is a late answer to the worker."""
        if late_for_the_worker():
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
