"""Customers and the audit log of who opened a customer's full record."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Branch, Staff, utcnow
from webapp.extensions import db, enum_column


class CustomerKind(enum.StrEnum):
    """Individual (个人) or small and medium enterprise (中小企业)."""

    INDIVIDUAL = "individual"
    SME = "sme"

    @property
    def label(self) -> str:
        return str({self.INDIVIDUAL: _l("Individual"), self.SME: _l("SME")}[self])


class Acquisition(enum.StrEnum):
    """How the branch won the customer: one of the four sales behaviours, or already ours."""

    LOBBY = "lobby"
    REFERRAL = "referral"
    APPOINTMENT = "appointment"
    MARKET_RUNNING = "market_running"
    EXISTING = "existing"

    @property
    def label(self) -> str:
        return str(ACQUISITION_LABELS[self])


ACQUISITION_LABELS = {
    Acquisition.LOBBY: _l("Lobby greeting"),
    Acquisition.REFERRAL: _l("Referral"),
    Acquisition.APPOINTMENT: _l("Appointment"),
    Acquisition.MARKET_RUNNING: _l("Market running"),
    Acquisition.EXISTING: _l("Existing customer"),
}


class Customer(db.Model):
    """A customer of one branch, optionally owned by one member of staff."""

    __table_args__ = (
        # A mobile or credit code appears once per branch: duplicates are refused, not merged.
        UniqueConstraint("branch_id", "mobile", name="uq_customer_branch_mobile"),
        UniqueConstraint("branch_id", "credit_code", name="uq_customer_branch_credit_code"),
        Index("ix_customer_branch_name", "branch_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    kind: Mapped[CustomerKind] = mapped_column(enum_column(CustomerKind, 12))
    name: Mapped[str] = mapped_column(String(120))
    mobile: Mapped[str | None] = mapped_column(String(11))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    # External referrals (外部引见): the customer or centre of influence who introduced them.
    introduced_by: Mapped[str | None] = mapped_column(String(120))
    acquired_via: Mapped[Acquisition] = mapped_column(
        enum_column(Acquisition), default=Acquisition.EXISTING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Offline edits carry the version they started from; a stale one is a conflict.
    version: Mapped[int] = mapped_column(default=1)

    branch: Mapped[Branch] = relationship()
    owner: Mapped[Staff | None] = relationship()

    @property
    def masked_mobile(self) -> str:
        """The mobile as lists show it: 138****1234."""
        return mask_mobile(self.mobile)


def mask_mobile(mobile: str | None) -> str:
    """Hide the middle four digits of a mainland mobile number."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


class CustomerView(db.Model):
    """Audit: one row each time a member of staff opened a customer's full record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(45), default="")

    staff: Mapped[Staff] = relationship()
