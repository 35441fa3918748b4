"""Who is signed in on this device, for the service worker, and whose outbox items a session sends.

The worker serves kept pages while the phone is offline, when it cannot ask the server who is
signed in. So every response names the signed-in person in a small cookie the worker can read
(cookieStore; not HttpOnly, it holds only the staff id) and that lives exactly as long as the
sign-in: a browser-session cookie, or a kept sign-in's permanent session lifetime. A response to
nobody deletes it. The worker trusts nothing else: no cookie, nobody signed in (static/sw.js,
currentPerson()).
"""

from flask import current_app, g, request, session
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import escape

from webapp.auth.sessions import from_the_worker
from webapp.sync import bp
from webapp.sync.protocol import OWNER_HEADER, PERSON_COOKIE, is_replay


def _lifetime() -> int | None:
    """Seconds the person cookie lives: as long as the session cookie, a browser-session cookie
    or, for a kept sign-in, the permanent session's lifetime (renewed with it on each answer)."""
    if session.permanent:
        return int(current_app.permanent_session_lifetime.total_seconds())
    return None


@bp.after_app_request
def name_the_person(response):
    """Set the person cookie to the signed-in person, or delete it when nobody is signed in."""
    if request.endpoint == "static" or from_the_worker():
        return response  # the worker's answer may come after the next person was named
    known = request.cookies.get(PERSON_COOKIE)
    if g.get("_login_user") is None and known is None:
        return response  # nobody was loaded and nobody is named: nothing to say
    person = str(current_user.id) if current_user.is_authenticated else None
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)
    if person is None and known is not None:
        response.delete_cookie(PERSON_COOKIE, path="/", secure=secure, samesite="Lax")
    elif person is not None and (known != person or session.permanent):
        response.set_cookie(
            PERSON_COOKIE,
            person,
            max_age=_lifetime(),
            path="/",
            secure=secure,
            httponly=False,
            samesite="Lax",
        )
    return response


@bp.before_app_request
def refuse_another_persons_item():
    """A replayed outbox item is sent only in its owner's session: 409 for anyone else."""
    owner = request.headers.get(OWNER_HEADER)
    if not owner or not is_replay() or not current_user.is_authenticated:
        return None
    if owner == str(current_user.id):
        return None
    message = _(
        "This item was saved on this device by another person. It is sent only when they sign in."
    )
    response = current_app.response_class(
        f'<p class="flash flash--error" role="alert">{escape(message)}</p>',
        status=409,
        mimetype="text/html",
    )
    response.headers[OWNER_HEADER + "-Refused"] = "1"
    return response
