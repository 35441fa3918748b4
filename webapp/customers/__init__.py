"""Customers (individuals and SMEs) of a branch, their sheets and the audit of full views."""

from flask import Blueprint

bp = Blueprint("customers", __name__, url_prefix="/customers")
