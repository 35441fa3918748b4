"""Monthly targets and the names of the metrics they are set for."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.i18n import Labels
from webapp.sales.models import YUAN_CATEGORIES, ProductCategory, Unit
from webapp.timeutil import now_naive

# Target metrics: every product category in its unit (fen for yuan categories, a number of
# accounts or cards for counted ones) plus two counts. Only MONEY_METRICS ever add up together.
NEW_CUSTOMERS = "new_customers"
REFERRALS = "referrals"
COUNT_METRICS = (NEW_CUSTOMERS, REFERRALS)
TARGET_METRICS = tuple(c.value for c in ProductCategory) + COUNT_METRICS
MONEY_METRICS = tuple(c.value for c in YUAN_CATEGORIES)


def is_money(metric: str) -> bool:
    """Whether a target metric is counted in yuan (stored in fen), not in a number of things."""
    return metric in MONEY_METRICS


def metric_unit(metric: str) -> Unit | None:
    """The unit of a product category metric; None for the two counts (people, referrals)."""
    return None if metric in COUNT_METRICS else ProductCategory(metric).unit


COUNT_METRIC_LABELS = Labels({NEW_CUSTOMERS: _l("New customers"), REFERRALS: _l("Referrals")})


def metric_label(metric: str) -> str:
    """The name of a target metric in the user's language."""
    if metric in COUNT_METRIC_LABELS:
        return COUNT_METRIC_LABELS.text(metric)
    return ProductCategory(metric).label


def metric_labels() -> dict[str, str]:
    """Every target metric's name in the user's language, translated once for a whole table."""
    return {metric: metric_label(metric) for metric in TARGET_METRICS}


class Target(db.Model):
    """A monthly target for a branch (staff_id empty) or one person, for one metric."""

    __table_args__ = (
        UniqueConstraint("branch_id", "staff_id", "month", "metric", name="uq_target_cell"),
        Index("ix_target_branch_month", "branch_id", "month"),
        # A person's targets for a month (one-on-one), whose key does not lead with branch.
        Index("ix_target_staff_month", "staff_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    month: Mapped[date] = mapped_column()  # the first day of the month
    metric: Mapped[str] = mapped_column(String(30))
    value: Mapped[int] = mapped_column(BigInteger)  # fen for MONEY_METRICS, a count otherwise
    set_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)
