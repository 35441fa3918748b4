"""A sale (a product sold to a customer) and its credit lines (绩效分润)."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.timeutil import now_naive


class ProductCategory(enum.StrEnum):
    """Product categories shared by the sales kit, sales, targets and reports."""

    DEPOSIT = "deposit"
    WEALTH_MANAGEMENT = "wealth_management"
    INSURANCE = "insurance"
    FUND = "fund"
    LOAN = "loan"
    CORPORATE_SETTLEMENT = "corporate_settlement"
    E_BANKING = "e_banking"
    CARD = "card"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS.text(self)


CATEGORY_LABELS = Labels(
    {
        ProductCategory.DEPOSIT: _l("Deposits"),
        ProductCategory.WEALTH_MANAGEMENT: _l("Wealth management"),
        ProductCategory.INSURANCE: _l("Insurance"),
        ProductCategory.FUND: _l("Funds"),
        ProductCategory.LOAN: _l("Loans"),
        ProductCategory.CORPORATE_SETTLEMENT: _l("Corporate settlement"),
        ProductCategory.E_BANKING: _l("E-banking"),
        ProductCategory.CARD: _l("Cards"),
        ProductCategory.OTHER: _l("Other"),
    }
)


class SaleSource(enum.StrEnum):
    """Where the sale was recorded from."""

    PROSPECT = "prospect"
    REFERRAL = "referral"
    OTHER = "other"


class CreditRole(enum.StrEnum):
    """Why a person holds a share of a sale."""

    SELLER = "seller"
    REFERRER = "referrer"
    MANUAL = "manual"  # allocated by the branch manager where the rule cannot settle it


class Sale(db.Model):
    """One product sold to one customer; amounts in fen (1/100 yuan), never floats."""

    __table_args__ = (
        Index("ix_sale_branch_sold_at", "branch_id", "sold_at"),
        # A person's sales in a period (one-on-one, evening huddle): their own rows only.
        Index("ix_sale_seller_sold_at", "seller_id", "sold_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    category: Mapped[ProductCategory] = mapped_column(enum_column(ProductCategory, 30))
    product_name: Mapped[str] = mapped_column(String(120))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    sold_at: Mapped[datetime] = mapped_column(default=now_naive)
    source: Mapped[SaleSource] = mapped_column(enum_column(SaleSource), default=SaleSource.OTHER)
    source_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    customer: Mapped[Customer] = relationship()
    seller: Mapped[Staff] = relationship()
    credit_lines: Mapped[list["CreditLine"]] = relationship(
        back_populates="sale", cascade="all, delete-orphan", order_by="CreditLine.id"
    )


class CreditLine(db.Model):
    """One person's share of a sale, in basis points (10000 = 100%) and in fen.

    The sale's date and category are copied onto each line when the sale is recorded (neither
    changes afterwards): a person's credit for a period is then read from their own lines by
    (staff_id, sold_at), instead of joining every sale of the period in every branch."""

    __table_args__ = (
        CheckConstraint("share_bp >= 0 AND share_bp <= 10000", name="share_range"),
        Index("ix_credit_line_staff_sold_at", "staff_id", "sold_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sale.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    role: Mapped[CreditRole] = mapped_column(enum_column(CreditRole))
    share_bp: Mapped[int] = mapped_column()
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    sold_at: Mapped[datetime] = mapped_column()  # the sale's
    category: Mapped[ProductCategory] = mapped_column(
        enum_column(ProductCategory, 30)
    )  # the sale's
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    sale: Mapped[Sale] = relationship(back_populates="credit_lines")
    staff: Mapped[Staff] = relationship()
