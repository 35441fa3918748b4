"""Web push: devices, preferences, the notification outbox, its worker and reminders."""

from flask import Blueprint

bp = Blueprint("push", __name__, url_prefix="/push")

# The listeners connect to the domain signals as soon as the domain is loaded.
from webapp.push import listeners  # noqa: E402, F401
from webapp.push.cli import push_cli  # noqa: E402

commands = (push_cli,)  # registered by webapp/__init__.py
