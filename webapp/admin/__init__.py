"""Administration: the organisation (regions and branches), staff accounts, and the hand-over of
a person's book when they move or leave. It stands above the domains whose records it hands
over (customers, prospects, referrals, schedule, appointments)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
