"""The manager's rhythm: targets, huddles with commitments, one-on-ones, action plans."""

from flask import Blueprint
from flask_babel import format_currency, format_decimal

bp = Blueprint("coaching", __name__, url_prefix="/coaching")


@bp.app_template_filter("fen")
def fen_filter(value) -> str:
    """Money stored in fen, shown in yuan with the locale's currency format; "—" if unknown."""
    if value is None or str(value) == "—":
        return "—"
    return format_currency(value / 100, "CNY")


@bp.app_template_filter("yuan0")
def yuan0_filter(value) -> str:
    """Money stored in fen, shown as whole yuan (for dense tables)."""
    if value is None or str(value) == "—":
        return "—"
    return format_decimal(round(value / 100), "#,##0")


@bp.app_template_filter("figure")
def figure_filter(value) -> str:
    """A count, or "—" for a figure whose records are not available (never a fake 0)."""
    if value is None or str(value) == "—":
        return "—"
    return format_decimal(value)
