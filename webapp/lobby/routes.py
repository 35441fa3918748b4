"""Lobby views for the lobby manager's tablet."""

from flask import render_template

from webapp.auth.access import roles
from webapp.auth.models import Role
from webapp.lobby import bp

LOBBY_ROLES = {Role.LOBBY_MANAGER, Role.TELLER, Role.BRANCH_MANAGER}


@bp.route("/")
@roles(LOBBY_ROLES)
def board():
    """The lobby manager's home: find the walk-in customer fast."""
    return render_template("lobby/board.html")
