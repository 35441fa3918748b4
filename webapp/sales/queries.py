"""Credit (分润业绩), read from the credit lines: the one definition every screen totals.

A person's credit for a period is the sum of their credit lines of the sales made in it,
whatever their role on the line (seller, referrer, or a share the branch manager allocated).
Their referral credit (转介分润) is the part of it on referred sales (a sale recorded from a won
referral), again whatever their role: the referrer's share and the seller's share of a referred
sale are both referral credit. Amounts are in fen; the period is naive UTC [lo, hi).

Credit is always money, whatever the sale's unit. A yuan sale (deposits, wealth, loans...)
carries its amount as credit. A counted sale (cards, e-banking sign-ups, settlement accounts)
carries a fixed value per account or card (计件计价: the category's deposit equivalent in
CREDIT_PER_UNIT_FEN, webapp/sales/models.py) times its quantity. Either value is split by the
same shares (phase of the split, 分润比例) into the lines, so a card referred by a teller credits
the teller 80% of one card's value in phase 1, never a made-up amount of the card.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, select

from webapp.extensions import db
from webapp.sales.models import CreditLine, ProductCategory, Sale, SaleSource


@dataclass
class Credit:
    """One person's credit over a period, in fen."""

    total: int = 0
    referred: int = 0  # on referred sales (转介分润)
    by_category: dict[str, int] = field(default_factory=dict)


def credit_of(staff_ids, lo: datetime, hi: datetime) -> dict[int, Credit]:
    """Each person's credit for sales made in [lo, hi): {staff_id: Credit}, one statement.
    People without a credit line in the period are missing."""
    params = {"staff_ids": list(staff_ids), "lo": lo, "hi": hi}
    result: dict[int, Credit] = {}
    for staff_id, category, referred, fen in db.session.execute(_credit(), params):
        fen = int(fen or 0)
        credit = result.setdefault(staff_id, Credit())
        credit.total += fen
        key = ProductCategory(category).value
        credit.by_category[key] = credit.by_category.get(key, 0) + fen
        if referred:
            credit.referred += fen
    return result


@cache
def _credit():
    # Built once per process (bound parameters); read through the lines' (staff, date) index.
    referred = (Sale.source == SaleSource.REFERRAL).label("referred")
    return (
        select(
            CreditLine.staff_id,
            CreditLine.category,
            referred,
            func.sum(CreditLine.amount_fen),
        )
        .join(Sale, Sale.id == CreditLine.sale_id)
        .where(
            CreditLine.staff_id.in_(bindparam("staff_ids", expanding=True)),
            CreditLine.sold_at >= bindparam("lo"),
            CreditLine.sold_at < bindparam("hi"),
        )
        .group_by(CreditLine.staff_id, CreditLine.category, referred)
    )
