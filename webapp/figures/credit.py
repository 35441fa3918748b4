"""The credit statement (我的分润明细): every credit line of a person in a month, and its totals
read by the same function as every other screen's credit (webapp/sales/queries.py)."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import and_, bindparam, select

from webapp.customers.models import Customer, mask_mobile
from webapp.extensions import db
from webapp.figures.periods import bounds, next_month
from webapp.referrals.models import Referral, SplitPhase
from webapp.sales.models import CreditLine, CreditRole, ProductCategory, Sale, SaleSource
from webapp.sales.queries import Credit, credit_of


@dataclass(frozen=True)
class StatementLine:
    """One credit line as the statement shows it (amounts in fen, share in basis points)."""

    sold_at: datetime
    sale_id: int
    product: str
    category: ProductCategory
    sale_fen: int  # 0 for an account or a card
    quantity: int  # accounts or cards opened (1 for a yuan sale)
    customer: str
    mobile: str
    referred: bool
    phase: str
    role: CreditRole
    reason: str
    share_bp: int
    amount_fen: int


def statement(staff_id: int, month: date) -> tuple[list[StatementLine], Credit]:
    """The person's credit lines of sales made in the month, latest first, and their totals."""
    lo, hi = bounds(month, next_month(month))
    rows = db.session.execute(_lines(), {"staff_id": staff_id, "lo": lo, "hi": hi}).all()
    lines = [
        StatementLine(
            sold_at=line.sold_at, sale_id=sale.id, product=sale.product_name,
            category=line.category, sale_fen=sale.amount_fen, quantity=sale.quantity, customer=name,
            mobile=mask_mobile(mobile),
            referred=sale.source == SaleSource.REFERRAL, phase=phase or "", role=line.role,
            reason=line.reason, share_bp=line.share_bp, amount_fen=line.amount_fen,
        )
        for line, sale, name, mobile, phase in rows
    ]  # fmt: skip
    return lines, credit_of([staff_id], lo, hi).get(staff_id, Credit())


@cache
def _lines():
    # The phase of the split is the one the referral was settled under (a referred sale only).
    return (
        select(CreditLine, Sale, Customer.name, Customer.mobile, SplitPhase.name)
        .join(Sale, Sale.id == CreditLine.sale_id)
        .join(Customer, Customer.id == Sale.customer_id)
        .outerjoin(
            Referral,
            and_(Sale.source == SaleSource.REFERRAL, Referral.id == Sale.source_id),
        )
        .outerjoin(SplitPhase, SplitPhase.id == Referral.phase_id)
        .where(
            CreditLine.staff_id == bindparam("staff_id"),
            CreditLine.sold_at >= bindparam("lo"),
            CreditLine.sold_at < bindparam("hi"),
        )
        .order_by(CreditLine.sold_at.desc(), CreditLine.id)
    )
