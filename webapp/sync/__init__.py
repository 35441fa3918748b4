"""Offline support: the service worker, and the protocol every offline-capable form uses.

Pages another domain wants available offline from the first visit are listed in
OFFLINE_PAGES (endpoint names; those the user's role may not open are left out), or given
by a function in OFFLINE_URL_PROVIDERS (user -> list of URLs, e.g. today's sweep).
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
    "customers.new",
    "customers.new_sme",
    "sync.outbox",
    "sync.offline",
    "sync.saved",
    "sync.install",
]

# Functions (user -> list of URLs) for pages that depend on the user, e.g. today's sweep.
OFFLINE_URL_PROVIDERS: list = []
