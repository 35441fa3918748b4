"""Bringing a branch's customers in from Excel and WPS: templates, a checked preview, the
import run as a background job, its record and its undo."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")
