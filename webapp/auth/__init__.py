"""Staff, roles and sign-in: the ground floor of BranchKit."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
