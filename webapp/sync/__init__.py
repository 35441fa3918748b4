"""Offline support: the service worker, and the protocol every offline-capable form uses.

Pages a domain wants available offline from the first visit are declared by it in its package's
`offline_pages`: endpoint names (those the user's role may not open are left out) or functions
(user -> list of URLs, e.g. today's sweep). webapp/__init__.py collects them for the precache.
"""

from flask import Blueprint

bp = Blueprint("sync", __name__)


def person_cookie() -> str:
    """The cookie naming who is signed in (the pages compare it with the person they show)."""
    from webapp.sync.protocol import PERSON_COOKIE

    return PERSON_COOKIE


# What the app registers for this domain (webapp/__init__.py).
template_globals = {"person_cookie": person_cookie}
offline_pages = ("sync.outbox", "sync.offline", "sync.saved", "sync.install")
