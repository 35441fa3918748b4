"""Offline support: the service worker, and the protocol every offline-capable form uses.

Pages another domain wants available offline from the first visit are listed in
OFFLINE_PAGES (endpoint names; those the user's role may not open are left out).
"""

from flask import Blueprint

bp = Blueprint("sync", __name__)

# Precached by the service worker at install and refreshed when the app opens online.
OFFLINE_PAGES = [
    "home.today",
    "field.index",
    "field.new_visit",
    "appointments.index",
    "appointments.new",
    "sync.outbox",
    "sync.offline",
    "sync.saved",
    "sync.install",
]
