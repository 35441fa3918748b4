"""Referrals (引见 / 转介): criteria, internal and external referrals, the credit split."""

from flask import Blueprint
from flask_babel import format_currency

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


@bp.app_template_filter("yuan")
def yuan(amount_fen: int | None) -> str:
    """Money stored in fen, shown in yuan in the user's locale (¥60,000.00)."""
    if amount_fen is None:
        return "—"
    return format_currency(amount_fen / 100, "CNY")


@bp.app_template_filter("percent_bp")
def percent_bp(share_bp: int | None) -> str:
    """A share in basis points as a percentage: 8000 → 80%, 3333 → 33.33%."""
    if share_bp is None:
        return "—"
    whole, rest = divmod(share_bp, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"
