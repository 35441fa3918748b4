"""The prospect list (意向客户表): effective prospects, their stage, and follow-ups."""

from flask import Blueprint

bp = Blueprint("prospects", __name__, url_prefix="/prospects")


@bp.app_template_global()
def stage_label(value: str) -> str:
    """The label of a stage given by its value."""
    from webapp.prospects.models import Stage

    return Stage(value).label
