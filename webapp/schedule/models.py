"""A schedule entry: one planned activity of one member of staff, done or not."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.customers.models import Customer
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.timeutil import now_naive


class EntryKind(enum.StrEnum):
    """The kinds of sales activity a salesperson plans."""

    FIELD_VISIT = "field_visit"
    APPOINTMENT = "appointment"
    FOLLOW_UP = "follow_up"
    LOBBY_DUTY = "lobby_duty"
    MEETING = "meeting"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS.text(self)


KIND_LABELS = Labels(
    {
        EntryKind.FIELD_VISIT: _l("Field visit"),
        EntryKind.APPOINTMENT: _l("Appointment"),
        EntryKind.FOLLOW_UP: _l("Follow-up"),
        EntryKind.LOBBY_DUTY: _l("Lobby duty"),
        EntryKind.MEETING: _l("Meeting"),
        EntryKind.OTHER: _l("Other"),
    }
)


class ScheduleEntry(db.Model):
    """One activity; entries made by another domain carry its source (type and id)."""

    __table_args__ = (
        Index("ix_schedule_entry_staff_starts", "staff_id", "starts_at"),
        # One entry per source record: re-syncing a follow-up date moves it, never copies it.
        UniqueConstraint("source_type", "source_id", name="uq_schedule_entry_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind))
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column()  # naive UTC, as stored
    ends_at: Mapped[datetime | None] = mapped_column()
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    done_at: Mapped[datetime | None] = mapped_column()
    source_type: Mapped[str | None] = mapped_column(String(30))
    source_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    customer: Mapped[Customer | None] = relationship()
