"""The schedule (日程表): each salesperson's day and week of activities."""

from flask import Blueprint

bp = Blueprint("schedule", __name__, url_prefix="/schedule")


@bp.app_template_filter("local_time")
def local_time(value):
    """A stored naive-UTC datetime as the branch's local time (naive)."""
    from webapp.timeutil import utc_to_local

    return utc_to_local(value) if value is not None else None
