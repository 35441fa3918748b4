"""Products of the sales kit (managed by the administrator) and portfolios for a segment."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.sales.models import ProductCategory
from webapp.timeutil import now_naive


class RiskLevel(enum.StrEnum):
    """The regulator's product risk grades, R1 (lowest) to R5."""

    R1 = "r1"
    R2 = "r2"
    R3 = "r3"
    R4 = "r4"
    R5 = "r5"

    @property
    def label(self) -> str:
        return RISK_LABELS.text(self)


RISK_LABELS = Labels(
    {
        RiskLevel.R1: _l("R1 low"),
        RiskLevel.R2: _l("R2 medium-low"),
        RiskLevel.R3: _l("R3 medium"),
        RiskLevel.R4: _l("R4 medium-high"),
        RiskLevel.R5: _l("R5 high"),
    }
)


class Product(db.Model):
    """One product of the kit; the image (≤ 200 KB) is kept in the row so every host serves it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[ProductCategory] = mapped_column(enum_column(ProductCategory, 30))
    name: Mapped[str] = mapped_column(String(120))
    point_1: Mapped[str] = mapped_column(String(120))
    point_2: Mapped[str] = mapped_column(String(120), default="")
    point_3: Mapped[str] = mapped_column(String(120), default="")
    suits: Mapped[str] = mapped_column(String(200), default="")
    # Investment products only (ProductCategory.risk_rated): a deposit, loan or card has none.
    risk_level: Mapped[RiskLevel | None] = mapped_column(enum_column(RiskLevel, 4))
    key_terms: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    image_type: Mapped[str] = mapped_column(String(20), default="")
    featured: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[date | None] = mapped_column()
    valid_to: Mapped[date | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)

    @property
    def points(self) -> list[str]:
        """The selling points that are filled."""
        return [p for p in (self.point_1, self.point_2, self.point_3) if p]


class PortfolioItem(db.Model):
    """A product's place in a portfolio."""

    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolio.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(lazy="joined")


class Portfolio(db.Model):
    """A named combination of products for a customer segment, with a one-screen pitch."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    segment: Mapped[str] = mapped_column(String(120))
    pitch: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)

    items: Mapped[list[PortfolioItem]] = relationship(
        cascade="all, delete-orphan", order_by=PortfolioItem.position, lazy="selectin"
    )
