"""Every state change of appointments: capturing one (offline-capable), moving its state, and
logging the calls made to fix them."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select

from webapp.appointments.models import (
    Appointment,
    AppointmentChange,
    Call,
    Outcome,
    Reason,
    State,
    Via,
)
from webapp.auth.models import Staff
from webapp.customers import choice
from webapp.customers.models import Acquisition, Customer
from webapp.extensions import db
from webapp.schedule import services as schedule_services
from webapp.schedule.models import EntryKind, ScheduleEntry
from webapp.signals import appointment_confirmed
from webapp.sync.protocol import create_once
from webapp.timeutil import now_naive


def customer_for(
    staff: Staff, *, customer: Customer | None, new_name: str, new_mobile: str
) -> Customer:
    """The chosen customer, or a new prospect of the caller's; a mobile already the branch's is
    refused with DuplicateCustomer, never reused (webapp/customers/choice.py)."""
    if customer is not None:
        return customer
    return choice.chosen_or_new(
        staff,
        customer_id=None,
        new_name=new_name,
        new_mobile=new_mobile,
        acquired_via=Acquisition.APPOINTMENT,
        owner_id=staff.id,
    )


def capture_appointment(
    caller: Staff,
    *,
    customer: Customer | None,
    new_name: str = "",
    new_mobile: str = "",
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
    via: Via = Via.CALL,
    made_at: datetime | None = None,
) -> tuple[Appointment, bool]:
    """Store a confirmed appointment once per client_id and tell the person who will meet; one
    fixed on a call is also the caller's call that fixed it, made when the phone queued it
    (`made_at`, kept unless in the future). With no customer chosen, the new one is made only
    after the replay check, so a replay never makes a second."""

    def build() -> Appointment:
        return Appointment(
            branch_id=caller.branch_id,
            created_by_id=caller.id,
            staff_id=meeter_id,
            customer=customer_for(
                caller, customer=customer, new_name=new_name, new_mobile=new_mobile
            ),
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
            via=via,
            state=State.CONFIRMED,
            created_at=_not_after_now(made_at),
        )

    def then(appointment: Appointment) -> None:
        log_fixing_call(appointment)
        schedule_appointment(appointment)
        appointment_confirmed.send(appointment)

    return create_once(Appointment, client_id, payload, build, then)


def log_call(
    caller: Staff,
    *,
    customer: Customer,
    outcome: Outcome,
    note: str,
    called_at: datetime | None,
    client_id: str,
    payload: Mapping,
) -> tuple[Call, bool]:
    """Store a call once per client_id; a time from the phone (queued offline) is kept unless
    it is in the future."""
    return create_once(
        Call,
        client_id,
        payload,
        lambda: Call(
            branch_id=caller.branch_id,
            staff_id=caller.id,
            customer_id=customer.id,
            outcome=outcome,
            note=note.strip(),
            called_at=_not_after_now(called_at),
        ),
    )


def log_fixing_call(appointment: Appointment) -> None:
    """An appointment fixed on a call: the caller's call that fixed it, made when the
    appointment was (face to face: none). The caller commits."""
    if appointment.via != Via.CALL:
        return
    db.session.add(
        Call(
            branch_id=appointment.branch_id,
            staff_id=appointment.created_by_id,
            customer_id=appointment.customer_id,
            outcome=Outcome.APPOINTMENT,
            appointment_id=appointment.id,
            called_at=appointment.created_at,
        )
    )


def _not_after_now(moment: datetime | None) -> datetime:
    """A time the phone stamped, or now when there is none or it is ahead of the server."""
    now = now_naive()
    return min(moment, now) if moment else now


def move_appointment(
    appointment: Appointment, state: State, *, by: Staff, new_time: datetime | None, note: str
) -> AppointmentChange:
    """Record that the appointment was held, missed, moved (with its new time) or cancelled,
    and who did it when (the change is kept and shown on the appointment's page)."""
    change = AppointmentChange(
        appointment_id=appointment.id,
        staff_id=by.id,
        changed_at=now_naive(),
        from_state=appointment.state,
        to_state=state,
        from_starts_at=appointment.starts_at,
        note=note.strip(),
    )
    appointment.state = state
    appointment.state_note = note.strip()
    if state == State.RESCHEDULED and new_time is not None:
        appointment.starts_at = new_time
        db.session.flush()
        appointment_confirmed.send(appointment)
    change.to_starts_at = appointment.starts_at
    db.session.add(change)
    schedule_appointment(appointment)
    return change


def schedule_appointment(appointment: Appointment) -> None:
    """Keep the appointment's one entry in the schedule of the person who will meet.

    Confirmed or moved: the entry sits at the meeting time; held or missed: it is done;
    cancelled: it leaves the schedule. The caller commits.
    """
    entry = db.session.scalar(
        select(ScheduleEntry).where(
            ScheduleEntry.source_type == "appointment", ScheduleEntry.source_id == appointment.id
        )
    )
    if appointment.state == State.CANCELLED:
        if entry is not None:
            db.session.delete(entry)
        return
    if entry is None:
        entry = schedule_services.add_entry(
            staff_id=appointment.staff_id,
            branch_id=appointment.branch_id,
            kind=EntryKind.APPOINTMENT,
            title=appointment.customer.name,  # the entry's kind already says "appointment"
            starts_at=appointment.starts_at,
            ends_at=appointment.starts_at + timedelta(minutes=45),
            customer_id=appointment.customer_id,
            source_type="appointment",
            source_id=appointment.id,
        )
    entry.starts_at = appointment.starts_at
    entry.ends_at = appointment.starts_at + timedelta(minutes=45)
    if appointment.state in (State.HELD, State.NO_SHOW):
        entry.done_at = entry.done_at or now_naive()
