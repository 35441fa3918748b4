"""Sweeps (an area on a day, with target stops) and visits (one stop, one outcome)."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.sync.protocol import OfflineRecordMixin
from webapp.timeutil import now_naive


class AreaKind(enum.StrEnum):
    """What kind of place a sweep covers."""

    STREET = "street"
    MARKET = "market"
    INDUSTRIAL_PARK = "industrial_park"
    COMMUNITY = "community"

    @property
    def label(self) -> str:
        return AREA_LABELS.text(self)


AREA_LABELS = Labels(
    {
        AreaKind.STREET: _l("Street"),
        AreaKind.MARKET: _l("Market"),
        AreaKind.INDUSTRIAL_PARK: _l("Industrial park"),
        AreaKind.COMMUNITY: _l("Community"),
    }
)


class Outcome(enum.StrEnum):
    """How a visit ended."""

    NOT_INTERESTED = "not_interested"
    INFO_COLLECTED = "info_collected"
    SME_SHEET = "sme_sheet"
    APPOINTMENT = "appointment"
    LEAD = "lead"
    INTERESTED = "interested"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS.text(self)


OUTCOME_LABELS = Labels(
    {
        Outcome.NOT_INTERESTED: _l("Not interested"),
        Outcome.INFO_COLLECTED: _l("Information collected"),
        Outcome.SME_SHEET: _l("SME sheet started"),
        Outcome.APPOINTMENT: _l("Appointment set"),
        Outcome.LEAD: _l("Lead for a colleague"),
        Outcome.INTERESTED: _l("Interested"),
    }
)


class PositionStatus(enum.StrEnum):
    """Whether the phone gave a GPS position for the visit."""

    OK = "ok"
    REFUSED = "refused"
    UNAVAILABLE = "unavailable"


class Sweep(db.Model):
    """One member of staff running one area on one day."""

    __table_args__ = (Index("ix_sweep_staff_day", "staff_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    area: Mapped[str] = mapped_column(String(120))
    area_kind: Mapped[AreaKind] = mapped_column(enum_column(AreaKind))
    day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    staff: Mapped[Staff] = relationship()
    stops: Mapped[list["Stop"]] = relationship(
        back_populates="sweep", order_by="Stop.position", cascade="all, delete-orphan"
    )


class Stop(db.Model):
    """A target business or household of a sweep: a known customer or a new name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sweep_id: Mapped[int] = mapped_column(ForeignKey("sweep.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200), default="")
    # Where the stop is, for the walking route and the map: planned, or the first visit's fix.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    sweep: Mapped[Sweep] = relationship(back_populates="stops")
    customer: Mapped[Customer | None] = relationship()


class Visit(OfflineRecordMixin, db.Model):
    """One stop made in the field, possibly recorded offline and synced later."""

    __table_args__ = (Index("ix_visit_staff_checked_in", "staff_id", "checked_in_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    sweep_id: Mapped[int | None] = mapped_column(ForeignKey("sweep.id"), index=True)
    stop_id: Mapped[int | None] = mapped_column(ForeignKey("stop.id"), index=True)
    business_name: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(200), default="")
    industry: Mapped[str] = mapped_column(String(60), default="")
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_mobile: Mapped[str] = mapped_column(String(11), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    position_status: Mapped[PositionStatus] = mapped_column(
        enum_column(PositionStatus, 12), default=PositionStatus.UNAVAILABLE
    )
    checked_in_at: Mapped[datetime]
    shown: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)
    # Offline edits carry the version they started from, and their own id so a replayed
    # edit is recognised instead of being taken for a conflict.
    version: Mapped[int] = mapped_column(default=1)
    last_edit_id: Mapped[str | None] = mapped_column(String(36))

    staff: Mapped[Staff] = relationship()
    sweep: Mapped[Sweep | None] = relationship()
    stop: Mapped[Stop | None] = relationship()

    @property
    def kit_pages(self) -> list[str]:
        """The sales-kit pages shown, one a line (recorded from present mode, then edited)."""
        return [line.strip() for line in self.shown.splitlines() if line.strip()]

    @property
    def has_position(self) -> bool:
        """Whether the phone gave a position for this visit."""
        return self.position_status == PositionStatus.OK and self.latitude is not None
