"""The manager's rhythm: targets, huddles with commitments, one-on-ones, action plans."""

from flask import Blueprint

bp = Blueprint("coaching", __name__, url_prefix="/coaching")
