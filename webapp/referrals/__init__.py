"""Referrals (引见 / 转介): criteria, internal and external referrals, the credit split."""

from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


@bp.app_template_filter("percent_bp")
def percent_bp(share_bp: int | None) -> str:
    """A share in basis points as a percentage: 8000 → 80%, 3333 → 33.33%."""
    if share_bp is None:
        return "—"
    whole, rest = divmod(share_bp, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"
