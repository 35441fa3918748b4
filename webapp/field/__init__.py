"""Market running (跑市场): sweeps of an area and the visits made at each stop, offline-first."""

from flask import Blueprint

from webapp.auth.models import SALES_ROLES, Role

bp = Blueprint("field", __name__, url_prefix="/field")
# Who runs markets: the salespeople, and the branch manager who goes along.
FIELD_ROLES = SALES_ROLES | {Role.BRANCH_MANAGER}


def todays_sweep_urls(user) -> list[str]:
    """Today's sweeps of a field salesperson, kept on the phone for offline use."""
    from flask import url_for

    from webapp.field.queries import sweeps_on
    from webapp.timeutil import local_today

    if user.role not in FIELD_ROLES:
        return []
    return [url_for("field.sweep", sweep_id=s.id) for s in sweeps_on(user, local_today())]


# Kept on the phone for offline use (webapp/__init__.py registers them).
offline_pages = ("field.index", "field.new_visit", todays_sweep_urls)
