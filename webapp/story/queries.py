"""The customer's story as one time-ordered list, read with one statement per kind of record.

Paging is by a cursor (the last event's time, kind and id), so a page costs the same number of
statements however long the story is: each kind's statement returns at most a page plus one
row older than the cursor, and the page is the newest of those.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import aliased

from webapp.appointments.models import Appointment, Call
from webapp.auth.models import Staff
from webapp.customers import field_label
from webapp.customers.models import ChangeKind, Customer, CustomerChange, CustomerSourceChange
from webapp.extensions import db
from webapp.field.models import Stop, Visit
from webapp.lobby.models import CheckIn
from webapp.prospects.models import Prospect, StageChange
from webapp.referrals.models import Referral
from webapp.sales.models import Sale
from webapp.timeutil import utc_to_local

PAGE = 20


@dataclass(frozen=True)
class Event:
    """One line of the story: when, what kind, what happened, and who did it."""

    at: datetime
    kind: str
    ident: int
    title: str
    detail: str = ""
    who: str = ""

    @property
    def key(self) -> str:
        """The cursor of the page that starts after this event."""
        return f"{self.at.isoformat()}~{self.kind}~{self.ident}"


def parse_cursor(text: str | None) -> tuple[datetime, str, int] | None:
    """Read a cursor made by Event.key; anything else means the first page."""
    try:
        when, kind, ident = (text or "").split("~")
        return datetime.fromisoformat(when), kind, int(ident)
    except ValueError:
        return None


def _older(at_column, id_column, kind: str, cursor) -> object:
    """The rows of one kind that come after the cursor in (time, kind, id) descending order."""
    if cursor is None:
        return true()
    at, cursor_kind, ident = cursor
    if kind < cursor_kind:
        return at_column <= at
    if kind > cursor_kind:
        return at_column < at
    return or_(at_column < at, and_(at_column == at, id_column < ident))


def _when(value: datetime | None) -> str:
    return utc_to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _check_ins(customer_id, cursor):
    served = aliased(Staff)
    rows = db.session.execute(
        select(CheckIn, served.name)
        .outerjoin(served, served.id == CheckIn.served_by_id)
        .where(
            CheckIn.customer_id == customer_id,
            _older(CheckIn.created_at, CheckIn.id, "checkin", cursor),
        )
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(PAGE + 1)
    )
    for check_in, served_name in rows:
        yield Event(
            check_in.created_at,
            "checkin",
            check_in.id,
            _("Checked in at the lobby"),
            f"{check_in.first_need.label} · {check_in.state.label}",
            served_name or "",
        )


def _referrals(customer_id, cursor):
    referrer, receiver = aliased(Staff), aliased(Staff)
    rows = db.session.execute(
        select(Referral, referrer.name, receiver.name)
        .join(referrer, referrer.id == Referral.referrer_id)
        .join(receiver, receiver.id == Referral.receiver_id)
        .where(
            Referral.customer_id == customer_id,
            _older(Referral.created_at, Referral.id, "referral", cursor),
        )
        .order_by(Referral.created_at.desc(), Referral.id.desc())
        .limit(PAGE + 1)
    )
    for referral, referrer_name, receiver_name in rows:
        yield Event(
            referral.created_at,
            "referral",
            referral.id,
            _("Referred"),
            f"{referral.need.label} · {referral.state.label}",
            f"{referrer_name} → {receiver_name}",
        )


def _appointments(customer_id, cursor):
    rows = db.session.execute(
        select(Appointment, Staff.name)
        .join(Staff, Staff.id == Appointment.staff_id)
        .where(
            Appointment.customer_id == customer_id,
            _older(Appointment.created_at, Appointment.id, "appointment", cursor),
        )
        .order_by(Appointment.created_at.desc(), Appointment.id.desc())
        .limit(PAGE + 1)
    )
    for appointment, name in rows:
        yield Event(
            appointment.created_at,
            "appointment",
            appointment.id,
            _("Appointment booked"),
            _("For %(when)s", when=_when(appointment.starts_at)) + f" · {appointment.state.label}",
            name,
        )


def _calls(customer_id, cursor):
    rows = db.session.execute(
        select(Call, Staff.name)
        .join(Staff, Staff.id == Call.staff_id)
        .where(Call.customer_id == customer_id, _older(Call.called_at, Call.id, "call", cursor))
        .order_by(Call.called_at.desc(), Call.id.desc())
        .limit(PAGE + 1)
    )
    for call, name in rows:
        yield Event(call.called_at, "call", call.id, _("Called"), call.outcome.label, name)


def _visits(customer_id, cursor):
    rows = db.session.execute(
        select(Visit, Staff.name)
        .join(Stop, Stop.id == Visit.stop_id)
        .join(Staff, Staff.id == Visit.staff_id)
        .where(
            Stop.customer_id == customer_id, _older(Visit.checked_in_at, Visit.id, "visit", cursor)
        )
        .order_by(Visit.checked_in_at.desc(), Visit.id.desc())
        .limit(PAGE + 1)
    )
    for visit, name in rows:
        yield Event(
            visit.checked_in_at,
            "visit",
            visit.id,
            _("Visited (market running)"),
            visit.outcome.label,
            name,
        )


def _sales(customer_id, cursor):
    rows = db.session.execute(
        select(Sale, Staff.name)
        .join(Staff, Staff.id == Sale.seller_id)
        .where(Sale.customer_id == customer_id, _older(Sale.sold_at, Sale.id, "sale", cursor))
        .order_by(Sale.sold_at.desc(), Sale.id.desc())
        .limit(PAGE + 1)
    )
    for sale, name in rows:
        yield Event(
            sale.sold_at,
            "sale",
            sale.id,
            _("Bought"),
            f"{sale.category.label} · {sale.product_name}",
            name,
        )


def _stage_changes(customer_id, cursor):
    rows = db.session.execute(
        select(StageChange, Prospect.product_name, Staff.name)
        .join(Prospect, Prospect.id == StageChange.prospect_id)
        .join(Staff, Staff.id == StageChange.staff_id)
        .where(
            Prospect.customer_id == customer_id,
            _older(StageChange.changed_at, StageChange.id, "prospect", cursor),
        )
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc())
        .limit(PAGE + 1)
    )
    for change, product, name in rows:
        title = (
            _("Added to the prospect list") if change.from_stage is None else _("Prospect moved")
        )
        stages = (
            change.to_stage.label
            if change.from_stage is None
            else f"{change.from_stage.label} → {change.to_stage.label}"
        )
        yield Event(
            change.changed_at,
            "prospect",
            change.id,
            title,
            " · ".join(filter(None, (product, stages, change.note))),
            name,
        )


def _source_changes(customer_id, cursor):
    rows = db.session.execute(
        select(CustomerSourceChange, Staff.name)
        .join(Staff, Staff.id == CustomerSourceChange.staff_id)
        .where(
            CustomerSourceChange.customer_id == customer_id,
            _older(CustomerSourceChange.changed_at, CustomerSourceChange.id, "source", cursor),
        )
        .order_by(CustomerSourceChange.changed_at.desc(), CustomerSourceChange.id.desc())
        .limit(PAGE + 1)
    )
    for change, name in rows:
        yield Event(
            change.changed_at,
            "source",
            change.id,
            _("Source corrected"),
            f"{change.from_source.label} → {change.to_source.label}",
            name,
        )


def _changes(customer: Customer, cursor):
    before, after = aliased(Staff), aliased(Staff)
    rows = db.session.execute(
        select(CustomerChange, Staff.name, before.name, after.name)
        .join(Staff, Staff.id == CustomerChange.staff_id)
        .outerjoin(before, before.id == CustomerChange.from_owner_id)
        .outerjoin(after, after.id == CustomerChange.to_owner_id)
        .where(
            CustomerChange.customer_id == customer.id,
            _older(CustomerChange.changed_at, CustomerChange.id, "change", cursor),
        )
        .order_by(CustomerChange.changed_at.desc(), CustomerChange.id.desc())
        .limit(PAGE + 1)
    )
    nobody = _("Unassigned")
    for change, name, from_name, to_name in rows:
        if change.kind == ChangeKind.OWNER:
            yield Event(
                change.changed_at,
                "change",
                change.id,
                _("Owner changed"),
                f"{from_name or nobody} → {to_name or nobody}",
                name,
            )
        else:
            fields = "、".join(field_label(f, customer.kind) for f in change.fields.split(",") if f)
            yield Event(change.changed_at, "change", change.id, _("Sheet edited"), fields, name)


SOURCES = (
    _check_ins,
    _referrals,
    _appointments,
    _calls,
    _visits,
    _sales,
    _stage_changes,
    _source_changes,
)


def story(customer: Customer, cursor_text: str | None = None) -> tuple[list[Event], str | None]:
    """A page of the customer's story, newest first, and the cursor of the next page (None at
    the end). The customer's creation closes the story."""
    cursor = parse_cursor(cursor_text)
    events = [event for source in SOURCES for event in source(customer.id, cursor)]
    events += list(_changes(customer, cursor))
    created = Event(
        customer.created_at,
        "created",
        customer.id,
        _("Became a customer"),
        customer.acquired_via.label,
        customer.owner.name if customer.owner else "",
    )
    if cursor is None or (created.at, created.kind, created.ident) < cursor:
        events.append(created)
    events.sort(key=lambda e: (e.at, e.kind, e.ident), reverse=True)
    page, more = events[:PAGE], len(events) > PAGE
    return page, (page[-1].key if more else None)
