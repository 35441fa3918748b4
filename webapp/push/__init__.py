"""Web push: devices, preferences, the notification outbox, its worker and reminders."""

from flask import Blueprint

bp = Blueprint("push", __name__, url_prefix="/push")

# The listeners connect to the domain signals as soon as the domain is loaded.
from webapp.push import cli, listeners  # noqa: E402, F401
