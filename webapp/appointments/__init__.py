"""Appointment capture (约见): the four-step call, two time options, then the meeting's state."""

from flask import Blueprint

bp = Blueprint("appointments", __name__, url_prefix="/appointments")
