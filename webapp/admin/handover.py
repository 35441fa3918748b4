"""Handing over a person's book when they leave or move: 管户 customers, open prospects, pending
referrals received, future schedule entries and appointments go to chosen colleagues in one step.

Everything a customer brings (its prospects, referrals, appointments, planned visits) goes to the
colleague who receives that customer, so a relationship is never split; with several colleagues
the customers are dealt out in turn. Nothing is deleted: the rows keep their history and the
person's name; a HandOver row per receiver records the counts, and each receiver is told (Today
and push, through the book_handed_over signal). Flushes only: the request commits.
"""

from dataclasses import dataclass, field
from itertools import cycle

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp import signals
from webapp.appointments.models import Appointment
from webapp.appointments.models import State as AppointmentState
from webapp.auth.models import HandOver, Staff
from webapp.customers.models import Customer
from webapp.customers.services import assign_owner
from webapp.extensions import db
from webapp.prospects.models import OPEN_STAGES, Prospect
from webapp.referrals.models import Referral, ReferralEvent
from webapp.referrals.models import State as ReferralState
from webapp.schedule.models import ScheduleEntry
from webapp.timeutil import now_naive

DEACTIVATED = "deactivated"
MOVED = "moved"
FUTURE_APPOINTMENTS = (AppointmentState.CONFIRMED, AppointmentState.RESCHEDULED)
OPEN_REFERRAL_STATES = tuple(state for state in ReferralState if state.is_open)


class HandOverError(ValueError):
    """The hand-over cannot be made as asked (the message says why, translated)."""


@dataclass
class Book:
    """What a person holds that a colleague must carry on."""

    customers: list = field(default_factory=list)
    prospects: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    schedule_entries: list = field(default_factory=list)
    appointments: list = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many records the book holds."""
        return sum(len(rows) for rows in self.parts().values())

    def parts(self) -> dict[str, list]:
        """The book by kind, in the order a hand-over row counts them."""
        return {
            "customers": self.customers,
            "prospects": self.prospects,
            "referrals": self.referrals,
            "schedule_entries": self.schedule_entries,
            "appointments": self.appointments,
        }


def book_of(person: Staff) -> Book:
    """The person's book: owned customers, open prospects, open referrals received, and future
    schedule entries and appointments not yet done."""
    now = now_naive()
    scalars = db.session.scalars
    return Book(
        customers=scalars(
            select(Customer).where(Customer.owner_id == person.id).order_by(Customer.id)
        ).all(),
        prospects=scalars(
            select(Prospect)
            .where(Prospect.owner_id == person.id, Prospect.stage.in_(OPEN_STAGES))
            .order_by(Prospect.id)
        ).all(),
        referrals=scalars(
            select(Referral)
            .where(Referral.receiver_id == person.id, Referral.state.in_(OPEN_REFERRAL_STATES))
            .order_by(Referral.id)
        ).all(),
        schedule_entries=scalars(
            select(ScheduleEntry)
            .where(
                ScheduleEntry.staff_id == person.id,
                ScheduleEntry.starts_at >= now,
                ScheduleEntry.done_at.is_(None),
            )
            .order_by(ScheduleEntry.id)
        ).all(),
        appointments=scalars(
            select(Appointment)
            .where(
                Appointment.staff_id == person.id,
                Appointment.starts_at >= now,
                Appointment.state.in_(FUTURE_APPOINTMENTS),
            )
            .order_by(Appointment.id)
        ).all(),
    )


def check_receivers(person: Staff, receivers: list[Staff]) -> None:
    """Refuse receivers who cannot carry the book: nobody chosen, the person themself, someone
    inactive or from another branch (the book is the branch's)."""
    if not receivers:
        raise HandOverError(_l("Choose at least one colleague to take over the book."))
    for receiver in receivers:
        if receiver.id == person.id:
            raise HandOverError(_l("The book cannot go to the person who leaves."))
        if not receiver.active or receiver.branch_id != person.branch_id:
            raise HandOverError(_l("Choose active colleagues of the same branch."))


def hand_over(actor: Staff, person: Staff, receivers: list[Staff], reason: str) -> list[HandOver]:
    """Give the person's whole book to the receivers (customers dealt out in turn, all else
    following its customer) and record one HandOver row per receiver who got something."""
    check_receivers(person, receivers)
    book = book_of(person)
    counts = {r.id: dict.fromkeys(book.parts(), 0) for r in receivers}
    dealer = cycle(receivers)
    by_customer: dict[int, Staff] = {}

    def receiver_for(customer_id: int | None) -> Staff:
        """The colleague who takes this customer (and all it brings), dealt in turn."""
        if customer_id is None:
            return next(dealer)
        if customer_id not in by_customer:
            by_customer[customer_id] = next(dealer)
        return by_customer[customer_id]

    for customer in book.customers:
        receiver = receiver_for(customer.id)
        assign_owner(customer, receiver, by=actor)
        counts[receiver.id]["customers"] += 1
    for prospect in book.prospects:
        receiver = receiver_for(prospect.customer_id)
        prospect.owner_id = receiver.id
        counts[receiver.id]["prospects"] += 1
    for referral in book.referrals:
        receiver = receiver_for(referral.customer_id)
        referral.receiver_id = receiver.id
        referral.events.append(
            ReferralEvent(
                by_id=actor.id,
                action="reassigned",
                from_state=referral.state.value,
                to_state=referral.state.value,
                note=f"{person.name} → {receiver.name}"[:200],
            )
        )
        counts[receiver.id]["referrals"] += 1
    for appointment in book.appointments:
        receiver = receiver_for(appointment.customer_id)
        appointment.staff_id = receiver.id
        counts[receiver.id]["appointments"] += 1
    for entry in book.schedule_entries:
        receiver = receiver_for(entry.customer_id)
        entry.staff_id = receiver.id
        counts[receiver.id]["schedule_entries"] += 1
    rows = [
        HandOver(
            branch_id=person.branch_id,
            from_staff_id=person.id,
            to_staff_id=receiver.id,
            by_id=actor.id,
            reason=reason,
            **counts[receiver.id],
        )
        for receiver in receivers
        if any(counts[receiver.id].values())
    ]
    db.session.add_all(rows)
    db.session.flush()
    for row in rows:
        signals.book_handed_over.send(row)
    return rows


def received_since(staff: Staff, since) -> list[HandOver]:
    """The hand-overs the person received since a moment, newest first (for Today)."""
    return db.session.scalars(
        select(HandOver)
        .where(HandOver.to_staff_id == staff.id, HandOver.at >= since)
        .order_by(HandOver.at.desc())
    ).all()


def recent_in(branch_ids: list[int], limit: int = 20) -> list[HandOver]:
    """The latest hand-overs in these branches, newest first (for the staff page)."""
    return db.session.scalars(
        select(HandOver)
        .where(HandOver.branch_id.in_(branch_ids))
        .order_by(HandOver.at.desc(), HandOver.id.desc())
        .limit(limit)
    ).all()


def given_by(person: Staff) -> list[HandOver]:
    """The hand-overs of the person's book, newest first (for their page)."""
    return db.session.scalars(
        select(HandOver).where(HandOver.from_staff_id == person.id).order_by(HandOver.at.desc())
    ).all()
