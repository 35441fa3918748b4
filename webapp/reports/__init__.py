"""Reports computed from the records: sales progress table, weekly meeting, monthly report."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
