"""Friendly, translated error pages; an htmx request gets a short message fragment."""

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError

from webapp.extensions import db
from webapp.htmx import is_fragment
from webapp.inputs import BadInput


class Refused(Forbidden):
    """A 403 whose description says why this person may not (the page names others), where the
    role would allow it; errors.py shows it in place of the role sentence."""

    def __init__(self, message):
        super().__init__(description=str(message))


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Something in the request was wrong"), _("Please go back and try again.")),
        401: (_("Please sign in again"), _("Your session has ended. Sign in to continue.")),
        403: (_("Not allowed"), _("Your role does not give access to this page.")),
        404: (_("Page not found"), _("The page or record does not exist, or is not yours to see.")),
        405: (_("Not allowed"), _("This action cannot be done this way.")),
        413: (
            _("Too much at once"),
            _("What was sent is too large to accept. Send less at a time, or a smaller file."),
        ),
        429: (
            _("Too many attempts"),
            _("Too many failed attempts. Wait a few minutes, then try again."),
        ),
        500: (_("Something went wrong"), _("The error has been logged. Please try again.")),
    }


def render_error(status: int, message: str | None = None):
    """The error page (or fragment) for an HTTP status, in the user's language."""
    title, default = _messages().get(status, _messages()[400])
    template = "errors/_message.html" if is_fragment() else "errors/error.html"
    return render_template(template, status=status, title=title, message=message or default), status


def csrf_error(error: CSRFError):
    """A form sent without its token, or with an expired one: nothing was saved."""
    return render_error(
        400, _("The form expired. Reload the page and send it again; nothing was saved.")
    )


def init_app(app: Flask) -> None:
    """Register the handlers."""

    app.register_error_handler(CSRFError, csrf_error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        message = error.description if isinstance(error, (BadInput, Refused)) else None
        return render_error(error.code if error.code in _messages() else 400, message)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
