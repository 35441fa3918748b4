"""Listeners on the domain signals: each writes outbox rows in the sender's transaction.

They rely only on the attributes webapp/signals.py documents for each sender, never on
another domain's module, so push calls no domain's services (tests/test_import_direction.py).
"""

from flask_babel import force_locale, format_time, gettext
from sqlalchemy import select

from webapp.auth.models import Role, Staff
from webapp.extensions import db
from webapp.push.models import Kind
from webapp.push.services import enqueue, path_for
from webapp.signals import (
    appointment_arrived,
    book_handed_over,
    referral_overdue,
    referral_sent,
    walk_in_waiting,
)
from webapp.timeutil import now_naive


def customer_line(customer) -> str:
    """A customer as a notification may show one: the name and the masked mobile at most."""
    masked = getattr(customer, "masked_mobile", "") or ""
    return f"{customer.name} {masked}".strip()


def referral_path(referral) -> str:
    """Where tapping a referral notification goes: the referral, to accept it."""
    return path_for("referrals.detail", "/referrals/{referral_id}", referral_id=referral.id)


@referral_sent.connect
def notify_referral_sent(referral, **_) -> None:
    """Tell the receiver a referral is waiting: customer, need, who referred, since when."""
    receiver = db.session.get(Staff, referral.receiver_id)
    if receiver is None:
        return
    with force_locale(receiver.locale):
        title = gettext("Referral: %(customer)s", customer=customer_line(referral.customer))
        body = gettext(
            "%(need)s · referred by %(referrer)s · waiting since %(time)s",
            need=referral.need_label,
            referrer=referral.referrer.name,
            time=format_time(referral.created_at, "short"),
        )
    enqueue(receiver, Kind.REFERRAL_RECEIVED, title, body, referral_path(referral))


@referral_overdue.connect
def notify_referral_overdue(referral, **_) -> None:
    """Tell the branch manager(s) a referral is still not accepted, once per referral."""
    managers = db.session.scalars(
        select(Staff).where(
            Staff.branch_id == referral.branch_id,
            Staff.role == Role.BRANCH_MANAGER,
            Staff.active.is_(True),
        )
    ).all()
    receiver = db.session.get(Staff, referral.receiver_id)
    waited = max(int((now_naive() - referral.created_at).total_seconds() // 60), 0)
    for manager in managers:
        with force_locale(manager.locale):
            title = gettext(
                "Referral not accepted: %(customer)s", customer=customer_line(referral.customer)
            )
            body = gettext(
                "%(need)s · sent to %(receiver)s · waiting %(minutes)d min",
                need=referral.need_label,
                receiver=receiver.name if receiver else "?",
                minutes=waited,
            )
        enqueue(
            manager,
            Kind.REFERRAL_OVERDUE,
            title,
            body,
            referral_path(referral),
            dedupe_key=f"referral-overdue:{referral.id}:{manager.id}",
        )


@walk_in_waiting.connect
def notify_walk_in_waiting(visit, minutes: int = 0, **_) -> None:
    """Tell the branch's lobby managers a walk-in has waited too long, once per walk-in."""
    lobby_managers = db.session.scalars(
        select(Staff).where(
            Staff.branch_id == visit.branch_id,
            Staff.role == Role.LOBBY_MANAGER,
            Staff.active.is_(True),
        )
    ).all()
    path = path_for("lobby.board", "/lobby/")
    for manager in lobby_managers:
        with force_locale(manager.locale):
            title = gettext(
                "#%(n)s %(name)s: waiting %(minutes)d min", n=visit.ticket,
                name=visit.visitor_label, minutes=minutes,
            )  # fmt: skip
            body = gettext(
                "%(need)s · checked in at %(time)s",
                need=visit.first_need.label,
                time=format_time(visit.created_at, "short"),
            )
        enqueue(
            manager, Kind.LOBBY_LONG_WAIT, title, body, path,
            dedupe_key=f"long-wait:{visit.id}:{manager.id}",
        )  # fmt: skip


@appointment_arrived.connect
def notify_appointment_arrived(appointment, ticket: int = 0, **_) -> None:
    """Tell the person an appointment is with that the customer was checked in at the lobby."""
    owner = db.session.get(Staff, appointment.staff_id)
    if owner is None:
        return
    path = path_for(
        "appointments.detail", "/appointments/{appointment_id}", appointment_id=appointment.id
    )
    with force_locale(owner.locale):
        title = gettext(
            "%(customer)s is here (#%(n)s)", customer=customer_line(appointment.customer), n=ticket
        )
        body = gettext(
            "Appointment at %(time)s · checked in at the lobby",
            time=format_time(appointment.starts_at, "short"),
        )
    enqueue(
        owner, Kind.APPOINTMENT_ARRIVED, title, body, path,
        dedupe_key=f"appointment-arrived:{appointment.id}",
    )  # fmt: skip


@book_handed_over.connect
def notify_book_handed_over(hand_over, **_) -> None:
    """Tell a colleague a leaving or moving person's book is now theirs, and how much."""
    receiver = db.session.get(Staff, hand_over.to_staff_id)
    if receiver is None:
        return
    with force_locale(receiver.locale):
        title = gettext("%(name)s's book is yours now", name=hand_over.from_staff.name)
        body = gettext(
            "%(customers)d customers, %(prospects)d prospects, %(referrals)d referrals, "
            "%(appointments)d appointments",
            customers=hand_over.customers,
            prospects=hand_over.prospects,
            referrals=hand_over.referrals,
            appointments=hand_over.appointments,
        )
    enqueue(receiver, Kind.HAND_OVER, title, body, path_for("home.today", "/today"))
