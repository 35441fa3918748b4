"""The lobby tablet: check-in of walk-in customers and the lobby board."""

from flask import Blueprint

bp = Blueprint("lobby", __name__, url_prefix="/lobby")


# The lobby's answer to the push worker's pass (walk-ins waiting too long).
from webapp.lobby import tasks  # noqa: E402, F401
