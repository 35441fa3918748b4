"""Language selection: the user's choice, else this browser's, else Simplified Chinese."""

from functools import cache

from babel import Locale
from flask import current_app, session
from flask_login import current_user


@cache
def _locale(code: str) -> Locale:
    # Babel's Locale.parse checks the locale data files on disk on every call; the two
    # languages are parsed once per process instead of once per request.
    return Locale.parse(code)


def select_locale() -> Locale:
    """The locale for this request (zh_CN first; bank staff choose English per user)."""
    supported = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return _locale(current_user.locale)
    if session.get("locale") in supported:
        return _locale(session["locale"])
    return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])
