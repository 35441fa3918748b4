"""The audit viewer: who saw, changed, imported or signed in, for administrators and managers."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")
