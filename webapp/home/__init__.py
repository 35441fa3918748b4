"""Each role's home page, the health check and the personal settings page."""

from flask import Blueprint

bp = Blueprint("home", __name__)
