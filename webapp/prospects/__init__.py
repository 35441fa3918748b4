"""The prospect list (意向客户表): effective prospects, their stage, and follow-ups."""

from flask import Blueprint

bp = Blueprint("prospects", __name__, url_prefix="/prospects")


def stage_label(value: str) -> str:
    """The label of a stage given by its value."""
    from webapp.prospects.models import Stage

    return Stage(value).label


from webapp.prospects.rows import prospect_row  # noqa: E402

template_globals = {"stage_label": stage_label, "prospect_row": prospect_row}  # webapp/__init__.py
# Kept on the phone for offline use: a prospect noted at a market-running stop with no signal.
offline_pages = ("prospects.new",)
