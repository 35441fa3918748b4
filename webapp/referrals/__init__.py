"""Referrals (引见 / 转介): criteria, internal and external referrals, the credit split."""

from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


def percent_bp(share_bp: int | None) -> str:
    """A share in basis points as a percentage: 8000 → 80%, 3333 → 33.33%."""
    if share_bp is None:
        return "—"
    whole, rest = divmod(share_bp, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


# What the app registers for this domain (webapp/__init__.py); the listeners connect to the
# signals of the domains below (the lobby's check-ins, the push worker's pass).
from webapp.referrals import listeners  # noqa: E402, F401
from webapp.referrals.cli import referrals_cli  # noqa: E402

template_filters = {"percent_bp": percent_bp}
# Kept on the phone for offline use: a lead met at a market-running stop, referred with no signal.
offline_pages = ("referrals.new",)
commands = (referrals_cli,)
