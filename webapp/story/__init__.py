"""A customer's whole story: check-ins, referrals, appointments, calls, visits, sales, prospect
moves, source and owner corrections and sheet edits, newest first, paged. It reads every domain
that records something about a customer, so it stands above them all (customers never import it)."""

from flask import Blueprint

bp = Blueprint("story", __name__, url_prefix="/customers")
