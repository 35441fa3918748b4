"""Market running (跑市场): sweeps of an area and the visits made at each stop, offline-first."""

from flask import Blueprint

bp = Blueprint("field", __name__, url_prefix="/field")
