"""Language selection: the user's choice, else this browser's, else Simplified Chinese."""

from flask import current_app, session
from flask_login import current_user


def select_locale() -> str:
    """The locale for this request (zh_CN first; bank staff choose English per user)."""
    supported = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    if session.get("locale") in supported:
        return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]
