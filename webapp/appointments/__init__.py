"""Appointment capture (约见): the four-step call, two time options, then the meeting's state."""

from flask import Blueprint

bp = Blueprint("appointments", __name__, url_prefix="/appointments")

# Kept on the phone for offline use (webapp/__init__.py registers them).
offline_pages = ("appointments.index", "appointments.new")

# The listeners answer the lobby's signals (the handshake at check-in).
from webapp.appointments import listeners  # noqa: E402, F401
