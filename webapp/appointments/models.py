"""Appointments and the value statements kept per product category or customer segment."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.sync.protocol import OfflineRecordMixin
from webapp.timeutil import now_naive


class Reason(enum.StrEnum):
    """Why the appointment (约见) is made."""

    INTERNAL_REFERRAL = "internal_referral"
    COULD_NOT_FINISH = "could_not_finish"
    EXTERNAL_REFERRAL = "external_referral"
    CAMPAIGN = "campaign"

    @property
    def label(self) -> str:
        return REASON_LABELS.text(self)


REASON_LABELS = Labels(
    {
        Reason.INTERNAL_REFERRAL: _l("Internal referral"),
        Reason.COULD_NOT_FINISH: _l("Customer could not finish"),
        Reason.EXTERNAL_REFERRAL: _l("External referral"),
        Reason.CAMPAIGN: _l("New product or campaign"),
    }
)


class State(enum.StrEnum):
    """Where the appointment stands."""

    CONFIRMED = "confirmed"
    HELD = "held"
    NO_SHOW = "no_show"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATE_LABELS.text(self)


STATE_LABELS = Labels(
    {
        State.CONFIRMED: _l("Confirmed"),
        State.HELD: _l("Held"),
        State.NO_SHOW: _l("No-show"),
        State.RESCHEDULED: _l("Rescheduled"),
        State.CANCELLED: _l("Cancelled"),
    }
)


class Via(enum.StrEnum):
    """How the appointment was fixed: on a call (a call made) or face to face."""

    CALL = "call"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return VIA_LABELS.text(self)


VIA_LABELS = Labels({Via.CALL: _l("On a call"), Via.IN_PERSON: _l("Face to face")})


class Outcome(enum.StrEnum):
    """What an appointment call came to (约见电话)."""

    APPOINTMENT = "appointment"
    CALL_BACK = "call_back"
    NO_ANSWER = "no_answer"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS.text(self)


OUTCOME_LABELS = Labels(
    {
        Outcome.APPOINTMENT: _l("Appointment fixed"),
        Outcome.CALL_BACK: _l("Call again"),
        Outcome.NO_ANSWER: _l("No answer"),
        Outcome.DECLINED: _l("Not interested now"),
    }
)


class ValueStatement(db.Model):
    """A value statement for the call's second step, kept per product category or segment."""

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    topic: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)


class Appointment(OfflineRecordMixin, db.Model):
    """A meeting fixed on a call or visit; may be captured offline and synced later."""

    __table_args__ = (
        Index("ix_appointment_staff_starts", "staff_id", "starts_at"),
        # Appointments a person set in a period (one-on-one, evening huddle): without it a
        # seq scan of every branch's appointments.
        Index("ix_appointment_created_by_created", "created_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))  # who will meet
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    reason: Mapped[Reason] = mapped_column(enum_column(Reason))
    greeting: Mapped[str] = mapped_column(Text, default="")
    value_statement: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(Text, default="")
    option_1: Mapped[datetime]
    option_2: Mapped[datetime]
    chosen_option: Mapped[int] = mapped_column(default=1)
    starts_at: Mapped[datetime]
    reconfirmed: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str] = mapped_column(String(200), default="")
    via: Mapped[Via] = mapped_column(enum_column(Via), default=Via.CALL, server_default="call")
    state: Mapped[State] = mapped_column(enum_column(State), default=State.CONFIRMED)
    state_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    created_by: Mapped[Staff] = relationship(foreign_keys=[created_by_id])
    customer: Mapped[Customer] = relationship()


class Call(OfflineRecordMixin, db.Model):
    """One appointment call (约见电话) and what it came to; counted against the day's
    commitment of calls. A call that fixed an appointment points at it."""

    __tablename__ = "appointment_call"
    __table_args__ = (
        # Calls per person in a period (huddle checks, one-on-one): one index range per person.
        Index("ix_call_staff_called", "staff_id", "called_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))  # who called
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome))
    note: Mapped[str] = mapped_column(String(500), default="")
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))
    called_at: Mapped[datetime] = mapped_column(default=now_naive)

    staff: Mapped[Staff] = relationship()
    customer: Mapped[Customer] = relationship()


class AppointmentChange(db.Model):
    """Who changed an appointment's state (or time), when, from what to what; shown on its page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    changed_at: Mapped[datetime] = mapped_column(default=now_naive)
    from_state: Mapped[State] = mapped_column(enum_column(State))
    to_state: Mapped[State] = mapped_column(enum_column(State))
    from_starts_at: Mapped[datetime]
    to_starts_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")

    staff: Mapped[Staff] = relationship()
