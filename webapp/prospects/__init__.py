"""The prospect list (意向客户表): effective prospects, their stage, and follow-ups."""

from flask import Blueprint

bp = Blueprint("prospects", __name__, url_prefix="/prospects")


@bp.app_template_filter("fen")
def fen(value: int | None) -> str:
    """An amount in fen shown as yuan in the user's locale (¥1,234.50)."""
    from decimal import Decimal

    from flask_babel import format_currency

    return format_currency(Decimal(value or 0) / 100, "CNY")


@bp.app_template_global()
def stage_label(value: str) -> str:
    """The label of a stage given by its value."""
    from webapp.prospects.models import Stage

    return Stage(value).label
