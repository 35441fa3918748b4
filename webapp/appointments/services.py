"""Every state change of appointments: capturing one (offline-capable), moving its state."""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from webapp.appointments.models import Appointment, Reason, State
from webapp.auth.models import Staff
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.customers.services import DuplicateCustomer, create_customer
from webapp.extensions import db
from webapp.signals import appointment_confirmed
from webapp.sync.protocol import find_replay, stamp


def customer_for(
    staff: Staff, *, customer: Customer | None, new_name: str, new_mobile: str
) -> Customer:
    """The chosen customer, or a new prospect (an existing one with the same mobile is reused)."""
    if customer is not None:
        return customer
    try:
        return create_customer(
            branch_id=staff.branch_id,
            kind=CustomerKind.INDIVIDUAL,
            name=new_name,
            mobile=new_mobile or None,
            owner_id=staff.id,
            acquired_via=Acquisition.APPOINTMENT,
            commit=False,
        )
    except DuplicateCustomer as duplicate:
        return duplicate.existing


def capture_appointment(
    caller: Staff,
    *,
    customer: Customer,
    meeter_id: int,
    reason: Reason,
    greeting: str,
    value_statement: str,
    urgency: str,
    option_1: datetime,
    option_2: datetime,
    chosen_option: int,
    place: str,
    client_id: str,
    payload: Mapping,
) -> tuple[Appointment, bool]:
    """Store a confirmed appointment once per client_id and tell the person who will meet."""
    existing = find_replay(Appointment, client_id, payload)
    if existing is not None:
        return existing, False
    appointment = Appointment(
        branch_id=caller.branch_id,
        created_by_id=caller.id,
        staff_id=meeter_id,
        customer=customer,
        reason=reason,
        greeting=greeting.strip(),
        value_statement=value_statement.strip(),
        urgency=urgency.strip(),
        option_1=option_1,
        option_2=option_2,
        chosen_option=chosen_option,
        starts_at=option_1 if chosen_option == 1 else option_2,
        reconfirmed=True,
        place=place.strip(),
        state=State.CONFIRMED,
    )
    stamp(appointment, client_id, payload)
    db.session.add(appointment)
    db.session.flush()
    appointment_confirmed.send(appointment)
    try:
        db.session.commit()
    except IntegrityError:
        # The same request raced with itself (double tap, two tabs): the first one won.
        db.session.rollback()
        existing = find_replay(Appointment, client_id, payload)
        if existing is None:
            raise
        return existing, False
    return appointment, True


def move_appointment(
    appointment: Appointment, state: State, *, new_time: datetime | None, note: str
) -> None:
    """Record that the appointment was held, missed, moved (with its new time) or cancelled."""
    appointment.state = state
    appointment.state_note = note.strip()
    if state == State.RESCHEDULED and new_time is not None:
        appointment.starts_at = new_time
        db.session.flush()
        appointment_confirmed.send(appointment)
    db.session.commit()
