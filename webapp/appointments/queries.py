"""Read-only queries of appointments."""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from webapp import timeutil
from webapp.appointments.models import Appointment, AppointmentChange, Call, ValueStatement
from webapp.auth.access import scoped
from webapp.auth.models import SALES_ROLES, Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.lobby.models import CheckIn, VisitState


def my_appointments(user: Staff, limit: int = 50) -> list[Appointment]:
    """Appointments the user made or will attend, latest start first."""
    query = (
        scoped(Appointment, user)
        .where(or_(Appointment.staff_id == user.id, Appointment.created_by_id == user.id))
        .options(joinedload(Appointment.customer), joinedload(Appointment.staff))
        .order_by(Appointment.starts_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def my_calls_today(user: Staff) -> list[Call]:
    """The calls the user logged today (branch-local day), latest first."""
    start, end = timeutil.day_bounds(timeutil.local_today())
    query = (
        select(Call)
        .where(Call.staff_id == user.id, Call.called_at >= start, Call.called_at < end)
        .options(joinedload(Call.customer))
        .order_by(Call.called_at.desc())
    )
    return list(db.session.scalars(query))


def own_customers(user: Staff):
    """The user's own customers in pinyin order: (id, name, name_initials, mobile) rows, kept in
    the call form's list and in the appointment form for the picker's search without signal."""
    return db.session.execute(
        select(Customer.id, Customer.name, Customer.name_initials, Customer.mobile)
        .where(Customer.branch_id == user.branch_id, Customer.owner_id == user.id)
        .order_by(Customer.name_key, Customer.id)
    ).all()


def meeter_choices(user: Staff) -> list[tuple[int, str]]:
    """Colleagues of the branch who can meet a customer."""
    rows = db.session.execute(
        select(Staff.id, Staff.name, Staff.title)
        .where(
            Staff.branch_id == user.branch_id,
            Staff.active.is_(True),
            Staff.role.in_(list(SALES_ROLES)),
        )
        .order_by(Staff.name_key, Staff.id)
    ).all()
    return [(row.id, f"{row.name} · {row.title}") for row in rows]


def statements(user: Staff) -> list[ValueStatement]:
    """The branch's value statements, by topic."""
    return list(db.session.scalars(scoped(ValueStatement, user).order_by(ValueStatement.topic)))


def changes_of(appointment: Appointment) -> list[AppointmentChange]:
    """Who changed the appointment and when, oldest first."""
    query = (
        select(AppointmentChange)
        .where(AppointmentChange.appointment_id == appointment.id)
        .options(joinedload(AppointmentChange.staff))
        .order_by(AppointmentChange.changed_at, AppointmentChange.id)
    )
    return list(db.session.scalars(query))


def waiting_in_lobby(appointment: Appointment) -> CheckIn | None:
    """The customer checked in at the lobby for this appointment and still waiting (the
    handshake): its owner may start serving them from the appointment's page."""
    return db.session.scalar(
        select(CheckIn)
        .where(
            CheckIn.branch_id == appointment.branch_id,
            CheckIn.appointment_id == appointment.id,
            CheckIn.state == VisitState.WAITING,
        )
        .order_by(CheckIn.id.desc())
        .limit(1)
    )
