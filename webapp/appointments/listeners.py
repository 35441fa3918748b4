"""The appointments domain's answers to the lobby's signals (the lobby sits below it and names
no part of it): a walk-in checked in with an appointment today, and that appointment met."""

from sqlalchemy import select

from webapp import signals, timeutil
from webapp.appointments.models import Appointment, State
from webapp.appointments.services import move_appointment
from webapp.auth.models import Staff
from webapp.extensions import db


@signals.check_in_recorded.connect
def handshake(visit, **_) -> dict | None:
    """The customer's confirmed appointment of the branch today, if any (the earliest not yet
    held): the board shows it, and the person who meets is told the customer is here."""
    if not visit.customer_id:
        return None
    start, end = timeutil.day_bounds(timeutil.local_date(visit.created_at))
    appointment = db.session.scalar(
        select(Appointment)
        .where(
            Appointment.branch_id == visit.branch_id,
            Appointment.customer_id == visit.customer_id,
            Appointment.state == State.CONFIRMED,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(1)
    )
    if appointment is None:
        return None
    signals.appointment_arrived.send(appointment, ticket=visit.ticket)
    return {"appointment": (appointment.id, appointment.starts_at, appointment.staff_id)}


@signals.appointment_met.connect
def held(visit, **_) -> None:
    """The person the appointment is with started serving the walk-in: 已见面."""
    appointment = db.session.get(Appointment, visit.appointment_id)
    if (
        appointment is not None
        and appointment.branch_id == visit.branch_id
        and appointment.state == State.CONFIRMED
    ):
        owner = db.session.get(Staff, visit.served_by_id)
        move_appointment(appointment, State.HELD, by=owner, new_time=None, note="")
        db.session.flush()
