"""A prospect (a customer with a product interest moving through stages) and its history."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.sales.models import ProductCategory
from webapp.sync.protocol import OfflineRecordMixin
from webapp.timeutil import now_naive


class Stage(enum.StrEnum):
    """Where the prospect is in the sale; won and lost close it."""

    NEW = "new"
    CONTACTED = "contacted"
    APPOINTMENT_SET = "appointment_set"
    MET = "met"
    PROPOSAL = "proposal"
    WON = "won"
    LOST = "lost"

    @property
    def label(self) -> str:
        return STAGE_LABELS.text(self)

    @property
    def is_open(self) -> bool:
        return self not in (Stage.WON, Stage.LOST)

    @property
    def next(self) -> "Stage | None":
        """The stage one tap moves to (won after proposal); None once closed."""
        order = [*OPEN_STAGES, Stage.WON]
        return order[order.index(self) + 1] if self in OPEN_STAGES else None


STAGE_LABELS = Labels(
    {
        Stage.NEW: _l("New"),
        Stage.CONTACTED: _l("Contacted"),
        Stage.APPOINTMENT_SET: _l("Appointment set"),
        Stage.MET: _l("Met"),
        Stage.PROPOSAL: _l("Proposal"),
        Stage.WON: _l("Won"),
        Stage.LOST: _l("Lost"),
    }
)
OPEN_STAGES = (Stage.NEW, Stage.CONTACTED, Stage.APPOINTMENT_SET, Stage.MET, Stage.PROPOSAL)


class Prospect(OfflineRecordMixin, db.Model):
    """A customer plus a product interest, owned by one salesperson; amounts in fen."""

    # A person's prospects in the branch scope every list reads them under (owner and branch in
    # one index: with owner alone PostgreSQL also scanned the branch's index and intersected).
    __table_args__ = (Index("ix_prospect_owner_branch_stage", "owner_id", "branch_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    category: Mapped[ProductCategory] = mapped_column(enum_column(ProductCategory, 30))
    product_name: Mapped[str] = mapped_column(String(120), default="")
    stage: Mapped[Stage] = mapped_column(enum_column(Stage), default=Stage.NEW)
    lost_reason: Mapped[str] = mapped_column(String(200), default="")
    expected_amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    next_follow_up: Mapped[date | None] = mapped_column()
    # Why this prospect is worth the list (the "effective prospect" test of the seed).
    potential: Mapped[str] = mapped_column(String(200), default="")
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sale.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)

    customer: Mapped[Customer] = relationship()
    owner: Mapped[Staff] = relationship()
    history: Mapped[list["StageChange"]] = relationship(
        back_populates="prospect",
        cascade="all, delete-orphan",
        order_by="StageChange.changed_at",
    )

    @property
    def customer_name(self) -> str:
        """The customer's name, as a list's plain-column row also calls it."""
        return self.customer.name

    @property
    def owner_name(self) -> str:
        """The owner's name, as a list's plain-column row also calls it."""
        return self.owner.name

    def is_overdue(self, today: date) -> bool:
        """Whether the follow-up date has passed while the prospect is still open."""
        return is_overdue(self.stage, self.next_follow_up, today)


def is_overdue(stage: Stage, follow_up: date | None, today: date) -> bool:
    """Whether a prospect at this stage with this follow-up date is late on `today`: open and the
    date passed (shared by Prospect objects and the list's plain-column rows)."""
    return stage.is_open and follow_up is not None and follow_up < today


class StageChange(db.Model):
    """One timestamped move of a prospect from one stage to another."""

    # The prospects a person moved forward in a period (one-on-one).
    __table_args__ = (Index("ix_stage_change_staff_changed", "staff_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospect.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    from_stage: Mapped[Stage | None] = mapped_column(enum_column(Stage))
    to_stage: Mapped[Stage] = mapped_column(enum_column(Stage))
    note: Mapped[str] = mapped_column(String(200), default="")
    changed_at: Mapped[datetime] = mapped_column(default=now_naive)

    prospect: Mapped[Prospect] = relationship(back_populates="history")
    staff: Mapped[Staff] = relationship(lazy="selectin")
