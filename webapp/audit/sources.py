"""The audit sources the viewer reads, one function each; add a source by adding to SOURCES.

Each source answers entries of the branches given, filtered by person, customer and time.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from webapp.auth.models import HandOver, SignInFailure, Staff
from webapp.customers import field_label
from webapp.customers.models import ChangeKind, Customer, CustomerChange, CustomerView, ViewReason
from webapp.extensions import db
from webapp.imports.models import CustomerImport
from webapp.trail.models import AuditEvent


@dataclass(frozen=True)
class Filters:
    """What the viewer was asked for; times are naive UTC bounds, end exclusive."""

    branch_ids: list[int]
    start: datetime
    end: datetime
    staff_id: int | None = None
    customer_id: int | None = None
    limit: int = 500


@dataclass(frozen=True)
class Entry:
    """One line of the audit: when, what, who, about which customer, and the detail."""

    at: datetime
    kind: str
    what: object
    person: str
    customer: str
    detail: str


REASONS = {
    ViewReason.OPENED: _l("opened"),
    ViewReason.EDIT_FORM: _l("edit form"),
    ViewReason.CONFLICT: _l("conflict page"),
    ViewReason.PRECACHE: _l("kept on the phone for offline use"),
}


def full_views(f: Filters) -> list[Entry]:
    """Each time a customer's full record was served."""
    query = (
        select(
            CustomerView.viewed_at,
            CustomerView.reason,
            CustomerView.ip_address,
            Staff.name,
            Customer.name.label("customer"),
        )
        .join(Staff, Staff.id == CustomerView.staff_id)
        .join(Customer, Customer.id == CustomerView.customer_id)
        .where(CustomerView.branch_id.in_(f.branch_ids))
        .where(CustomerView.viewed_at >= f.start, CustomerView.viewed_at < f.end)
    )
    if f.staff_id:
        query = query.where(CustomerView.staff_id == f.staff_id)
    if f.customer_id:
        query = query.where(CustomerView.customer_id == f.customer_id)
    rows = db.session.execute(query.order_by(CustomerView.viewed_at.desc()).limit(f.limit))
    return [
        Entry(
            r.viewed_at,
            "view",
            KINDS["view"],
            r.name,
            r.customer,
            f"{REASONS.get(r.reason, r.reason.value)} {r.ip_address}",
        )
        for r in rows
    ]


def imports(f: Filters) -> list[Entry]:
    """Each file imported (or checked), with its counts; no customer filter applies."""
    if f.customer_id:
        return []
    query = (
        select(CustomerImport, Staff.name)
        .join(Staff, Staff.id == CustomerImport.staff_id)
        .where(CustomerImport.branch_id.in_(f.branch_ids))
        .where(CustomerImport.created_at >= f.start, CustomerImport.created_at < f.end)
    )
    if f.staff_id:
        query = query.where(CustomerImport.staff_id == f.staff_id)
    rows = db.session.execute(query.order_by(CustomerImport.created_at.desc()).limit(f.limit))
    return [
        Entry(
            record.created_at,
            "import",
            KINDS["import"],
            name,
            "",
            _(
                "%(file)s: %(status)s, %(created)d new, %(updated)d updated of %(rows)d rows",
                file=record.filename,
                status=record.status.label,
                created=record.created_count,
                updated=record.updated_count,
                rows=record.total_rows,
            ),
        )
        for record, name in rows
    ]


def failed_sign_ins(f: Filters) -> list[Entry]:
    """Each failed sign-in of a person of these branches (or of an unknown username, shown to
    administrators only, who see every branch below theirs)."""
    if f.customer_id:
        return []
    query = (
        select(SignInFailure, Staff.name)
        .outerjoin(Staff, Staff.id == SignInFailure.staff_id)
        .where(SignInFailure.at >= f.start, SignInFailure.at < f.end)
        .where(Staff.branch_id.in_(f.branch_ids))
    )
    if f.staff_id:
        query = query.where(SignInFailure.staff_id == f.staff_id)
    rows = db.session.execute(query.order_by(SignInFailure.at.desc()).limit(f.limit))
    return [
        Entry(
            failure.at,
            "failed_sign_in",
            KINDS["failed_sign_in"],
            name or failure.username,
            "",
            f"{failure.username} {failure.address}" + (" 2FA" if failure.second_factor else ""),
        )
        for failure, name in rows
    ]


def events(f: Filters) -> list[Entry]:
    """The general audit log (AuditEvent): sign-ins and role changes.
    The person filter matches who did it and whom it was about."""
    actor, subject = aliased(Staff), aliased(Staff)
    query = (
        select(
            AuditEvent, actor.name, subject.name.label("subject"), Customer.name.label("customer")
        )
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_id)
        .outerjoin(Customer, Customer.id == AuditEvent.customer_id)
        .where(AuditEvent.branch_id.in_(f.branch_ids))
        .where(AuditEvent.at >= f.start, AuditEvent.at < f.end)
    )
    if f.staff_id:
        query = query.where(
            (AuditEvent.actor_id == f.staff_id) | (AuditEvent.subject_id == f.staff_id)
        )
    if f.customer_id:
        query = query.where(AuditEvent.customer_id == f.customer_id)
    rows = db.session.execute(query.order_by(AuditEvent.at.desc()).limit(f.limit))
    return [
        Entry(
            event.at,
            event.kind,
            EVENT_KINDS.get(event.kind, event.kind),
            name or "",
            customer or "",
            event.detail or subject or "",
        )
        for event, name, subject, customer in rows
    ]


def hand_overs(f: Filters) -> list[Entry]:
    """Each book handed over (HandOver): by whom, from whom to whom, how much. The person
    filter matches who did it, who left and who received."""
    if f.customer_id:
        return []  # a hand-over is of a whole book, not of one customer
    by, giver, receiver = aliased(Staff), aliased(Staff), aliased(Staff)
    query = (
        select(HandOver, by.name, giver.name.label("giver"), receiver.name.label("receiver"))
        .outerjoin(by, by.id == HandOver.by_id)
        .join(giver, giver.id == HandOver.from_staff_id)
        .join(receiver, receiver.id == HandOver.to_staff_id)
        .where(HandOver.branch_id.in_(f.branch_ids))
        .where(HandOver.at >= f.start, HandOver.at < f.end)
    )
    if f.staff_id:
        query = query.where(
            (HandOver.by_id == f.staff_id)
            | (HandOver.from_staff_id == f.staff_id)
            | (HandOver.to_staff_id == f.staff_id)
        )
    rows = db.session.execute(query.order_by(HandOver.at.desc()).limit(f.limit))
    return [
        Entry(
            row.at,
            "hand_over",
            KINDS["hand_over"],
            name or "",
            "",
            f"{giver} → {receiver} · {row.counts_text}",
        )
        for row, name, giver, receiver in rows
    ]


def customer_changes(f: Filters) -> list[Entry]:
    """Owner changes and sheet edits (which fields, never the values), from the customers'
    own record of them (CustomerChange, which the customer's story reads too)."""
    before, after = aliased(Staff), aliased(Staff)
    query = (
        select(
            CustomerChange,
            Staff.name,
            before.name.label("before"),
            after.name.label("after"),
            Customer.name.label("customer"),
            Customer.kind.label("customer_kind"),
        )
        .join(Staff, Staff.id == CustomerChange.staff_id)
        .join(Customer, Customer.id == CustomerChange.customer_id)
        .outerjoin(before, before.id == CustomerChange.from_owner_id)
        .outerjoin(after, after.id == CustomerChange.to_owner_id)
        .where(CustomerChange.branch_id.in_(f.branch_ids))
        .where(CustomerChange.changed_at >= f.start, CustomerChange.changed_at < f.end)
    )
    if f.staff_id:
        query = query.where(
            (CustomerChange.staff_id == f.staff_id)
            | (CustomerChange.from_owner_id == f.staff_id)
            | (CustomerChange.to_owner_id == f.staff_id)
        )
    if f.customer_id:
        query = query.where(CustomerChange.customer_id == f.customer_id)
    rows = db.session.execute(query.order_by(CustomerChange.changed_at.desc()).limit(f.limit))
    entries_ = []
    for r in rows:
        change = r.CustomerChange
        if change.kind == ChangeKind.OWNER:
            kind, detail = "owner_change", f"{r.before or '—'} → {r.after or '—'}"
        else:
            kind = "sheet_edit"
            detail = "、".join(
                field_label(n, r.customer_kind) for n in change.fields.split(",") if n
            )
        entries_.append(Entry(change.changed_at, kind, KINDS[kind], r.name, r.customer, detail))
    return entries_


# The kinds of AuditEvent and their labels; a domain that records a new kind adds it here.
EVENT_KINDS = {
    "sign_in": _l("Sign-in"),
    "role_change": _l("Role change"),
}
KINDS = {
    "hand_over": _l("Hand-over"),
    "view": _l("Full customer view"),
    "import": _l("Import"),
    "failed_sign_in": _l("Failed sign-in"),
    "owner_change": _l("Owner change"),
    "sheet_edit": _l("Sheet edited"),
    **EVENT_KINDS,
}
# The viewer reads every source listed here (a new audit table adds its function).
SOURCES = [full_views, imports, failed_sign_ins, events, hand_overs, customer_changes]


def entries(f: Filters) -> list[Entry]:
    """Every source's entries, newest first, at most `f.limit`."""
    out = [entry for source in SOURCES for entry in source(f)]
    out.sort(key=lambda e: e.at, reverse=True)
    return out[: f.limit]
