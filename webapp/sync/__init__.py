"""Offline support: the service worker, and the protocol every offline-capable form uses."""

from flask import Blueprint

bp = Blueprint("sync", __name__)
