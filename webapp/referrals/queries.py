"""Read-only queries: who is free to receive, inboxes, lists and the referral ledger (SQL aggregates)."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, distinct, func, literal, or_, select, union_all
from sqlalchemy.orm import selectinload, with_expression

from webapp import timeutil
from webapp.auth.access import scoped
from webapp.auth.models import Role, Staff
from webapp.extensions import db
from webapp.lobby.models import CheckIn, VisitState
from webapp.referrals.models import (
    DEFAULT_ACCEPT_MINUTES,
    RECEIVER_ROLES,
    CreditState,
    Presence,
    Referral,
    ReferralCriteria,
    State,
)
from webapp.sales.queries import credit_of

# The people a list row shows, loaded in one query each rather than one per row.
ROW_LOADS = (
    selectinload(Referral.customer),
    selectinload(Referral.referrer),
    selectinload(Referral.receiver),
)

# A receiver's status: "out" by their own switch (field work), "serving" while a lobby
# check-in of today is being served by them, otherwise "free".
STATUS_ORDER = {"free": 0, "serving": 1, "out": 2}


def receiver_statuses(branch_id: int) -> list[tuple[Staff, str]]:
    """The branch's possible receivers with their status, free ones first."""
    start, _ = timeutil.day_bounds(timeutil.local_date())
    serving = (
        select(CheckIn.served_by_id)
        .where(
            CheckIn.branch_id == branch_id,
            CheckIn.state == VisitState.SERVING,
            CheckIn.created_at >= start,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Staff, func.coalesce(Presence.out, False), Staff.id.in_(serving))
        .outerjoin(Presence, Presence.staff_id == Staff.id)
        .where(
            Staff.branch_id == branch_id,
            Staff.active.is_(True),
            Staff.role.in_(RECEIVER_ROLES),
        )
        .order_by(Staff.role, Staff.name_key, Staff.id)
    ).all()
    result = [(s, "out" if out else "serving" if busy else "free") for s, out, busy in rows]
    # Wealth managers first (they take most referrals), then by status.
    return sorted(result, key=lambda r: (r[0].role is not Role.WEALTH_MANAGER, STATUS_ORDER[r[1]]))


def overdue_before(branch_id: int, now: datetime | None = None) -> datetime:
    """The moment before which a referral still waiting for acceptance is overdue at the
    branch (now less its criteria's minutes to accept)."""
    minutes = db.session.scalar(
        select(ReferralCriteria.accept_minutes).where(ReferralCriteria.branch_id == branch_id)
    )
    return (now or timeutil.now_naive()) - timedelta(minutes=minutes or DEFAULT_ACCEPT_MINUTES)


def due_at():
    """When a referral's acceptance clock starts: the callback time the customer asked for,
    else when it was last handed to its receiver (reassigned), else when it was sent."""
    return func.coalesce(Referral.callback_at, Referral.reassigned_at, Referral.created_at)


def overdue(before: datetime):
    """The condition "overdue": still not accepted by the branch's minutes after it was due
    (due_at; a callback asked for later is not late before its time). `before` comes from
    overdue_before. Computed from the times, so reading a list never writes."""
    return and_(Referral.state == State.REFERRED, due_at() < before)


def is_overdue(referral: Referral, before: datetime) -> bool:
    """The same condition for one loaded referral."""
    due = referral.callback_at or referral.reassigned_at or referral.created_at
    return referral.state is State.REFERRED and due < before


def waiting_for(staff: Staff) -> list[Referral]:
    """Referrals sent to the member of staff and not yet accepted, oldest first."""
    before = overdue_before(staff.branch_id)
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.receiver_id == staff.id, Referral.state == State.REFERRED)
            .options(*ROW_LOADS, with_expression(Referral.overdue, overdue(before)))
            .order_by(Referral.created_at)
        )
    )


def referral_list(user: Staff, which: str = "mine", limit: int = 100) -> list[Referral]:
    """Referrals for the list: mine (sent or received), overdue, credit to allocate, or all."""
    query = scoped(Referral, user)
    late = overdue(overdue_before(user.branch_id))
    if which == "overdue":
        query = query.where(late)
    elif which == "credit":
        query = query.where(Referral.credit_state == CreditState.PENDING)
    elif which != "all" or user.role not in (Role.BRANCH_MANAGER, Role.ADMIN):
        query = query.where(
            or_(
                Referral.referrer_id == user.id,
                Referral.receiver_id == user.id,
                Referral.second_referrer_id == user.id,
            )
        )
    query = query.options(*ROW_LOADS, with_expression(Referral.overdue, late))
    query = query.order_by(Referral.created_at.desc()).limit(limit)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class LedgerRow:
    """One person's referral figures over a period (amounts in fen)."""

    staff_id: int
    name: str
    role: Role
    given: int
    received: int
    accepted: int
    won: int
    value_fen: int
    credit_fen: int


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The day, week (Monday first) or month around a day, as local days [start, end)."""
    if period == "week":
        start = timeutil.week_start(day)
        return start, start + timedelta(days=7)
    if period == "month":
        start = day.replace(day=1)
        return start, (start + timedelta(days=32)).replace(day=1)
    return day, day + timedelta(days=1)


def ledger(branch_id: int, start: date, end: date) -> tuple[list[LedgerRow], dict[str, int]]:
    """Per person of the branch, local days [start, end): referrals given, received, accepted,
    won (as referrer or seller), value of those won, and credit earned on referred sales; and
    the branch line (each referral counted once, however many people took part). Two statements:
    the counts, and the credit read as every screen reads it."""
    since, until = timeutil.day_bounds(start, end)
    params = {"branch_id": branch_id, "since": since, "until": until}
    result = db.session.execute(_ledger_statement(), params).all()
    rows = [LedgerRow(*(int(v) if i >= 3 else v for i, v in enumerate(r[:9]))) for r in result]
    # Every row carries the branch's won referrals and their value; a branch without active
    # staff has no rows, and asks for them alone.
    won, value = result[0][9:] if result else db.session.execute(_won_statement(), params).one()
    # Credit earned on referred sales (转介分润), whatever the person's role on the line: the
    # one definition of credit, from the same lines as every other screen's.
    credit = credit_of([r.staff_id for r in rows], since, until)
    rows = sorted(
        (replace(r, credit_fen=credit[r.staff_id].referred if r.staff_id in credit else 0)
         for r in rows),
        key=lambda r: -r.credit_fen,
    )  # fmt: skip
    totals = {
        "given": sum(r.given for r in rows),
        "accepted": sum(r.accepted for r in rows),
        "won": int(won),
        "value_fen": int(value),
        "credit_fen": sum(r.credit_fen for r in rows),
    }
    return rows, totals


@cache
def _won_statement():
    """The branch's referrals won in the period and their value (bound parameters)."""
    won = and_(
        Referral.branch_id == bindparam("branch_id"),
        Referral.state == State.WON,
        Referral.closed_at >= bindparam("since"),
        Referral.closed_at < bindparam("until"),
    )
    return select(
        select(func.count(Referral.id)).where(won).scalar_subquery(),
        select(func.coalesce(func.sum(Referral.won_amount_fen), 0)).where(won).scalar_subquery(),
    )


@cache
def _ledger_statement():
    """The ledger's one statement, with bound parameters: built once per process (building it
    cost more than running it on a branch's month)."""
    branch_id, since, until = bindparam("branch_id"), bindparam("since"), bindparam("until")
    in_period = and_(Referral.created_at >= since, Referral.created_at < until)
    branch = Referral.branch_id == branch_id

    def count_by(column, *where):
        return (
            select(column.label("staff_id"), func.count(Referral.id).label("n"))
            .where(branch, *where)
            .group_by(column)
            .subquery()
        )

    given = count_by(Referral.referrer_id, in_period)
    received = count_by(Referral.receiver_id, in_period)
    accepted = count_by(
        Referral.receiver_id, Referral.accepted_at >= since, Referral.accepted_at < until
    )
    closed = and_(
        Referral.state == State.WON, Referral.closed_at >= since, Referral.closed_at < until, branch
    )
    took_part = union_all(
        select(Referral.id.label("rid"), Referral.referrer_id.label("staff_id"), Referral.won_amount_fen.label("v")).where(closed),
        select(Referral.id, Referral.receiver_id, Referral.won_amount_fen).where(closed),
        select(Referral.id, Referral.second_referrer_id, Referral.won_amount_fen).where(closed, Referral.second_referrer_id.is_not(None)),
    ).subquery()  # fmt: skip
    per_referral = (
        select(took_part.c.staff_id, took_part.c.rid, func.max(took_part.c.v).label("v"))
        .group_by(took_part.c.staff_id, took_part.c.rid)
        .subquery()
    )
    won = (
        select(
            per_referral.c.staff_id,
            func.count(distinct(per_referral.c.rid)).label("n"),
            func.sum(per_referral.c.v).label("v"),
        )
        .group_by(per_referral.c.staff_id)
        .subquery()
    )
    zero = 0
    return (
        select(
            Staff.id, Staff.name, Staff.role,
            func.coalesce(given.c.n, zero), func.coalesce(received.c.n, zero),
            func.coalesce(accepted.c.n, zero), func.coalesce(won.c.n, zero),
            func.coalesce(won.c.v, zero), literal(0),
        )
        .outerjoin(given, given.c.staff_id == Staff.id)
        .outerjoin(received, received.c.staff_id == Staff.id)
        .outerjoin(accepted, accepted.c.staff_id == Staff.id)
        .outerjoin(won, won.c.staff_id == Staff.id)
        .add_columns(*_won_statement().selected_columns)
        .where(Staff.branch_id == branch_id, Staff.active.is_(True), Staff.role != Role.ADMIN)
        .order_by(Staff.name_key, Staff.id)
    )  # fmt: skip
