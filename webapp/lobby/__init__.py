"""The lobby tablet: check-in of walk-in customers and the lobby board."""

from flask import Blueprint

bp = Blueprint("lobby", __name__, url_prefix="/lobby")
