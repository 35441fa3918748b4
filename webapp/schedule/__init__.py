"""The schedule (日程表): each salesperson's day and week of activities."""

from flask import Blueprint

bp = Blueprint("schedule", __name__, url_prefix="/schedule")


def local_time(value):
    """A stored naive-UTC datetime as the branch's local time (naive)."""
    from webapp.timeutil import utc_to_local

    return utc_to_local(value) if value is not None else None


template_filters = {"local_time": local_time}  # registered by webapp/__init__.py
