"""Every state change of the auth domain: signing in and out, passwords, the second factor."""

from flask import g, request, session
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from webapp.auth import second_factor, sessions, throttle
from webapp.auth.access import visible_branch_ids
from webapp.auth.models import Role, Staff
from webapp.auth.passwords import one_time_password
from webapp.extensions import db
from webapp.trail import services as audit
from webapp.transactions import keep_when_refused

HOME_ENDPOINTS = {
    Role.BRANCH_MANAGER: "home.dashboard",
    Role.LOBBY_MANAGER: "lobby.board",
    Role.ADMIN: "home.region",
}
MUST_ENROL = sessions.MUST_ENROL
# Between the password and the second factor: who, which generation, since when.
PENDING = "_second_factor"
PENDING_SECONDS = 300

load_user = sessions.load_user  # Flask-Login's loader (registered by create_app)


def home_endpoint(user: Staff) -> str:
    """The page a member of staff lands on: their role's own home."""
    return HOME_ENDPOINTS.get(user.role, "home.today")


def authenticate(username: str, password: str) -> Staff | None:
    """The active staff member with these credentials, or None; same cost either way."""
    user = db.session.execute(
        select(Staff).where(func.lower(Staff.username) == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        # Hash anyway so response time does not reveal whether the username exists.
        Staff(password_hash="").set_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def record_failure(username: str, address: str, second_factor: bool = False) -> None:
    """Write down a failed sign-in: it counts towards the throttle and the administrator sees it."""
    throttle.record_failure(username, address, second_factor=second_factor)
    keep_when_refused()  # the failure counts though the sign-in is refused


def begin_second_factor(user: Staff, remember: bool, next_url: str | None) -> None:
    """The password was right and the person has a second factor: wait for the code."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[PENDING] = {
        "id": user.id,
        "generation": user.session_token,
        "remember": bool(remember),
        "next": next_url or "",
        "at": sessions.now(),
    }


def pending_second_factor() -> tuple[Staff, dict] | None:
    """The person waiting to give their code, while the wait has not expired."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or sessions.now() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(Staff, pending.get("id"))
    if user is None or not user.active or user.session_token != pending.get("generation"):
        return None
    return user, pending


def sign_in(user: Staff, remember: bool) -> None:
    """Start a fresh session for the user (a new session guards against fixation)."""
    locale = session.get("locale")
    session.clear()
    if locale and not user.locale:
        user.locale = locale
    if not user.session_token:
        sessions.new_generation(user)
    if second_factor.required_for(user) and not user.has_second_factor:
        session[MUST_ENROL] = True
    db.session.flush()
    _start_session(user, remember)
    audit.record("sign_in", user.branch_id, user.id, detail=(request.remote_addr or "")[:45])


def _start_session(user: Staff, remember: bool) -> None:
    """A new session id (sid, time) for this device, kept past the browser when remembered."""
    user._session_id = None
    login_user(user, remember=False, fresh=True)
    session.permanent = bool(remember)
    session[sessions.SEEN] = sessions.now()
    # The session's CSRF token comes with the sign-in's answer: no page after it (the worker's
    # precache fetches them side by side) has a token to add and a cookie to write.
    g.pop(sessions.CSRF_FIELD, None)  # Flask-WTF's copy of the token of the session cleared
    generate_csrf()


def sign_out() -> None:
    """End the session on this device for good: a copy of its cookie no longer works."""
    current = sessions.current_sid()
    if current_user.is_authenticated and current is not None:
        # Locked and read afresh: two devices signing out at once must both stay revoked.
        user = db.session.execute(
            select(Staff)
            .where(Staff.id == current_user.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
        sessions.revoke(user, *current)
        db.session.flush()
    forget_session()


def forget_session() -> None:
    """Forget who is signed in on this device (the cookie is emptied)."""
    logout_user()
    session.clear()


def sign_out_everywhere(user: Staff) -> None:
    """Invalidate every session of the user, on every device (this one included)."""
    sessions.new_generation(user)
    db.session.flush()


def change_password(user: Staff, password: str) -> None:
    """Set a new password the person chose; their other devices are signed out, this one stays."""
    remembered = session.permanent
    user.set_password(password)
    user.password_must_change = False
    sessions.new_generation(user)
    db.session.flush()
    _restart(user, remembered)


def _restart(user: Staff, remembered: bool) -> None:
    """This device carries on under the person's new generation (a fresh session)."""
    keep = {k: session[k] for k in ("locale", MUST_ENROL) if k in session}
    session.clear()
    session.update(keep)
    _start_session(user, remembered)


def may_reset(actor: Staff, staff: Staff) -> bool:
    """Who may issue whom a one-time password: an administrator anyone in their region, a
    branch manager the staff of their branch below them; nobody themself."""
    if staff.id == actor.id or staff.branch_id not in visible_branch_ids(actor):
        return False
    return actor.role == Role.ADMIN or staff.role not in {Role.BRANCH_MANAGER, Role.ADMIN}


def issue_one_time_password(actor: Staff, staff: Staff) -> str:
    """Give the person a one-time password (returned once, to hand over) they must change at
    sign-in; every session they had ends."""
    if not may_reset(actor, staff):
        raise PermissionError(staff.id)
    password = one_time_password()
    staff.set_password(password)
    staff.password_must_change = True
    sessions.new_generation(staff)
    db.session.flush()
    return password


def deactivate(staff: Staff) -> None:
    """Take away a person's access: they cannot sign in and every session of theirs ends."""
    staff.active = False
    sessions.new_generation(staff)
    db.session.flush()


def enable_second_factor(user: Staff, secret: str, step: int) -> list[str]:
    """Turn on the second factor with a secret the person has proved they hold; returns the
    recovery codes to show once. Sessions started without it end, this one carries on."""
    remembered = session.permanent
    user.totp_secret = secret
    user.totp_last_step = step
    codes = second_factor.new_recovery_codes(user)
    sessions.new_generation(user)
    session.pop(MUST_ENROL, None)
    db.session.flush()
    _restart(user, remembered)
    return codes


def check_code(user: Staff, code: str) -> bool:
    """Accept a code from the person's app (or a recovery code) once, for a change they make."""
    if second_factor.verify(user, code):
        db.session.flush()
        return True
    db.session.rollback()
    return False


def new_recovery_codes(user: Staff) -> list[str]:
    """Replace the person's recovery codes (the old ones stop working); returns the new ones."""
    codes = second_factor.new_recovery_codes(user)
    db.session.flush()
    return codes


def disable_second_factor(user: Staff) -> None:
    """Turn off the second factor (not allowed where the administrator requires it)."""
    user.totp_secret = None
    user.totp_last_step = 0
    second_factor.forget_recovery_codes(user)
    db.session.flush()


def require_second_factor(admin: Staff, required: bool) -> int:
    """Require (or stop requiring) a second factor of the managers and administrators of the
    administrator's region; those without one are signed out, to set it up at their next sign-in.
    Returns how many were signed out."""
    admin.branch.require_second_factor = required
    affected = 0
    if required:
        people = db.session.scalars(
            select(Staff).where(
                Staff.branch_id.in_(visible_branch_ids(admin)),
                Staff.role.in_(second_factor.REQUIRABLE_ROLES),
                Staff.totp_secret.is_(None),
                Staff.id != admin.id,
            )
        ).all()
        for person in people:
            sessions.new_generation(person)
        affected = len(people)
    db.session.flush()
    return affected


def confirm_second_factor_sign_in(user: Staff, code: str, pending: dict) -> bool:
    """Check the code of a person between password and second factor; sign them in when it is
    right (the caller records a failure otherwise)."""
    if not second_factor.verify(user, code):
        db.session.rollback()
        return False
    db.session.flush()
    sign_in(user, remember=pending.get("remember", False))
    return True


def set_locale(user: Staff | None, locale: str) -> None:
    """Remember the interface language: on the staff record, or in the session before sign-in."""
    session["locale"] = locale
    if user is not None:
        user.locale = locale
        db.session.flush()
