"""A sale (a product sold to a customer) and its credit lines (绩效分润)."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, case
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

    @property
    def unit(self) -> "Unit":
        """What the category is counted in: yuan, or accounts or cards opened."""
        return UNITS[self]

    @property
    def counted(self) -> bool:
        """Counted in accounts or cards (a quantity), not in yuan."""
        return UNITS[self] is not Unit.YUAN

    @property
    def risk_rated(self) -> bool:
        """Whether the category's products carry the regulator's R1-R5 risk grade."""
        return self in RISK_RATED


class Unit(enum.StrEnum):
    """The unit a bank's target book counts a category in; figures in two units never add."""

    YUAN = "yuan"
    ACCOUNTS = "accounts"
    CARDS = "cards"

    @property
    def label(self) -> str:
        return UNIT_LABELS.text(self)


UNIT_LABELS = Labels(
    {Unit.YUAN: _l("yuan"), Unit.ACCOUNTS: _l("accounts"), Unit.CARDS: _l("cards")}
)

UNITS = {
    ProductCategory.DEPOSIT: Unit.YUAN,
    ProductCategory.WEALTH_MANAGEMENT: Unit.YUAN,
    ProductCategory.INSURANCE: Unit.YUAN,
    ProductCategory.FUND: Unit.YUAN,
    ProductCategory.LOAN: Unit.YUAN,
    ProductCategory.CORPORATE_SETTLEMENT: Unit.ACCOUNTS,  # settlement accounts opened
    ProductCategory.E_BANKING: Unit.ACCOUNTS,  # sign-ups
    ProductCategory.CARD: Unit.CARDS,
    ProductCategory.OTHER: Unit.YUAN,
}
YUAN_CATEGORIES = tuple(c for c in ProductCategory if UNITS[c] is Unit.YUAN)
COUNTED_CATEGORIES = tuple(c for c in ProductCategory if UNITS[c] is not Unit.YUAN)

# Investment products carry the regulator's risk grade; deposits, loans, cards and accounts do not.
RISK_RATED = frozenset(
    {ProductCategory.WEALTH_MANAGEMENT, ProductCategory.FUND, ProductCategory.INSURANCE}
)

# 计件计价: what one account or card opened is worth in credit (绩效分润), as the target book
# converts a count into its deposit equivalent (折算). A yuan sale's credit is its amount.
CREDIT_PER_UNIT_FEN = {
    ProductCategory.CORPORATE_SETTLEMENT: 50_000_00,
    ProductCategory.E_BANKING: 5_000_00,
    ProductCategory.CARD: 10_000_00,
}


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
    """One product sold to one customer, measured in its category's unit: a yuan category's
    amount in fen (1/100 yuan, never floats) with quantity 1; a counted category's quantity
    (accounts or cards opened) with amount 0. Credit is money either way (credit_value_fen)."""

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
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # 0 for a counted category
    quantity: Mapped[int] = mapped_column(default=1, server_default="1")
    sold_at: Mapped[datetime] = mapped_column(default=now_naive)
    source: Mapped[SaleSource] = mapped_column(enum_column(SaleSource), default=SaleSource.OTHER)
    source_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    customer: Mapped[Customer] = relationship()
    seller: Mapped[Staff] = relationship()
    credit_lines: Mapped[list["CreditLine"]] = relationship(
        back_populates="sale", cascade="all, delete-orphan", order_by="CreditLine.id"
    )

    @property
    def measure(self) -> int:
        """The sale in its category's unit: fen for yuan, else the number of accounts or cards."""
        return self.quantity if self.category.counted else self.amount_fen


def credit_value_fen(category: ProductCategory, amount_fen: int, quantity: int) -> int:
    """The credit a sale carries, split between the people on it: a yuan sale's amount; a
    counted sale's quantity times its category's value per unit (CREDIT_PER_UNIT_FEN)."""
    if category.counted:
        return quantity * CREDIT_PER_UNIT_FEN[category]
    return amount_fen


def measure_column():
    """SQL for Sale.measure: quantity for counted categories, amount in fen otherwise."""
    return case((Sale.category.in_(COUNTED_CATEGORIES), Sale.quantity), else_=Sale.amount_fen)


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
