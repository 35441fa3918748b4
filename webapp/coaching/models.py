"""Daily commitments, huddle notes, one-on-ones with plan items, action plans."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.timeutil import now_naive

# The numbers a person commits to for one day, in the order the forms show them.
COMMITMENT_FIELDS = ("calls", "appointments", "referrals", "visits", "sales")
COMMITMENT_LABELS = {
    "calls": _l("Calls"),
    "appointments": _l("Appointments"),
    "referrals": _l("Referrals"),
    "visits": _l("Visits"),
    "sales": _l("Product sales"),
}


class Commitment(db.Model):
    """One person's commitment for one day (获得承诺), entered before the morning huddle."""

    __table_args__ = (UniqueConstraint("staff_id", "day", name="uq_commitment_staff_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    day: Mapped[date] = mapped_column(index=True)
    calls: Mapped[int] = mapped_column(default=0)
    appointments: Mapped[int] = mapped_column(default=0)
    referrals: Mapped[int] = mapped_column(default=0)
    visits: Mapped[int] = mapped_column(default=0)
    sales: Mapped[int] = mapped_column(default=0)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])


class HuddleKind(enum.StrEnum):
    """Morning (晨会) or evening (夕会) huddle."""

    MORNING = "morning"
    EVENING = "evening"

    @property
    def label(self) -> str:
        return HUDDLE_LABELS.text(self)


HUDDLE_LABELS = Labels(
    {HuddleKind.MORNING: _l("Morning huddle"), HuddleKind.EVENING: _l("Evening huddle")}
)


class HuddleNote(db.Model):
    """The manager's coaching note (提供指导) for one person at one huddle."""

    __table_args__ = (UniqueConstraint("staff_id", "day", "kind", name="uq_huddle_note"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    day: Mapped[date] = mapped_column()
    kind: Mapped[HuddleKind] = mapped_column(enum_column(HuddleKind))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)


class OneOnOne(db.Model):
    """The weekly one-on-one (一对一) of the manager with one salesperson."""

    __table_args__ = (UniqueConstraint("staff_id", "week", name="uq_one_on_one_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    week: Mapped[date] = mapped_column()  # the Monday of the week
    manager_notes: Mapped[str] = mapped_column(Text, default="")
    own_notes: Mapped[str] = mapped_column(Text, default="")
    # Private to the person, their manager and the administrator (职业发展规划).
    career_notes: Mapped[str] = mapped_column(Text, default="")
    folder_checked: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])


class PlanItem(db.Model):
    """A follow-up item (销售跟进计划) agreed in a one-on-one for the week after it."""

    __table_args__ = (Index("ix_plan_item_staff_week", "staff_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    one_on_one_id: Mapped[int | None] = mapped_column(ForeignKey("one_on_one.id"))
    week: Mapped[date] = mapped_column()  # the Monday of the week the item is planned for
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    action: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column()
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    customer: Mapped[Customer | None] = relationship()


class PlanStatus(enum.StrEnum):
    """Where a branch action plan stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return PLAN_STATUS_LABELS.text(self)


PLAN_STATUS_LABELS = Labels(
    {
        PlanStatus.OPEN: _l("Open"),
        PlanStatus.IN_PROGRESS: _l("In progress"),
        PlanStatus.CLOSED: _l("Closed"),
    }
)


class ActionPlan(db.Model):
    """A branch action plan (网点行动计划): who, when, does what, to achieve what effect."""

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    due_on: Mapped[date] = mapped_column()
    what: Mapped[str] = mapped_column(String(300))
    expected_effect: Mapped[str] = mapped_column(String(300))
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus), default=PlanStatus.OPEN)
    result: Mapped[str] = mapped_column(Text, default="")
    # The figure the plan is meant to move (a key of figures.effect.TRACKABLE), if any.
    metric: Mapped[str | None] = mapped_column(String(40))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    closed_at: Mapped[datetime | None] = mapped_column()

    owner: Mapped[Staff] = relationship(foreign_keys=[owner_id])
    notes: Mapped[list["ActionPlanNote"]] = relationship(
        back_populates="plan", order_by="ActionPlanNote.created_at.desc()"
    )


class ActionPlanNote(db.Model):
    """Progress on an action plan, recorded by the person it names (or the manager)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    plan: Mapped[ActionPlan] = relationship(back_populates="notes")
    staff: Mapped[Staff] = relationship()
