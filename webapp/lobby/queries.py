"""Today's lobby board, in SQL, for the signed-in member of staff's branch."""

from datetime import timedelta
from functools import cache

from flask import g
from sqlalchemy import and_, bindparam, or_, select, text
from sqlalchemy.orm import aliased

from webapp import signals, timeutil
from webapp.auth.access import scope_params, scoped_template
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.lobby.models import CheckIn, Need, Script, VisitState

BOARD_ORDER = {
    VisitState.WAITING: 0,
    VisitState.REFERRED: 1,
    VisitState.SERVING: 2,
    VisitState.DONE: 3,
}


def todays_board(user) -> list:
    """Today's check-ins of the user's branch (waiting first, then referred, serving, done) as
    rows of the columns a board row shows, with the customer's and server's names."""
    start, end = timeutil.day_bounds(timeutil.local_date())
    params = scope_params(user) | {"branch_id": user.branch_id, "start": start, "end": end}
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(GENERIC_PLAN)
    rows = db.session.execute(_board_statement(), params).all()
    return sorted(rows, key=lambda r: (BOARD_ORDER[r.state], r.created_at))


# The board's plan is the same for every branch and day (the check-ins' branch-and-time index,
# then a key lookup per row), but PostgreSQL judged a plan made for each poll's own values cheaper
# than its generic one and planned every poll again: 0.59 ms planning to run 0.01 ms (large set,
# pg_stat_statements with track_planning). For this transaction only, the generic plan is kept.
# A SELECT, so a read-only request still ends with COMMIT (webapp/transactions.py).
GENERIC_PLAN = text("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)")


@cache
def _board_statement():
    """The board's one statement, built once per process (bound parameters). Plain columns,
    not CheckIn objects: loading an object with its customer and server cost some 80 µs a
    row, as much as the rest of the page."""
    served_by = aliased(Staff)
    owner = aliased(Staff)
    return (
        scoped_template(CheckIn)
        .with_only_columns(
            CheckIn.id,
            CheckIn.ticket,
            CheckIn.state,
            CheckIn.first_need,
            CheckIn.other_needs,
            CheckIn.amount_fen,
            CheckIn.band_floor_fen,
            CheckIn.band_ceiling_fen,
            CheckIn.created_at,
            CheckIn.served_at,
            CheckIn.done_at,
            Customer.name.label("customer_name"),
            Customer.mobile,
            served_by.name.label("server_name"),
            CheckIn.served_by_id,
            CheckIn.appointment_at,
            CheckIn.appointment_staff_id,
            owner.name.label("owner_name"),
            CheckIn.rating,
            CheckIn.rating_reason,
            maintain_column_froms=False,
        )
        .outerjoin(Customer, Customer.id == CheckIn.customer_id)
        .outerjoin(served_by, served_by.id == CheckIn.served_by_id)
        .outerjoin(owner, owner.id == CheckIn.appointment_staff_id)
        .where(
            CheckIn.branch_id == bindparam("branch_id"),
            CheckIn.created_at >= bindparam("start"),
            CheckIn.created_at < bindparam("end"),
        )
        .order_by(CheckIn.created_at, CheckIn.id)  # two walk-ins in one second: ticket order
    )


def earlier_today(branch_id: int, customer_id: int) -> CheckIn | None:
    """The customer's latest check-in of the branch's local day, if any."""
    start, end = timeutil.day_bounds(timeutil.local_date())
    return db.session.scalar(
        select(CheckIn)
        .where(
            CheckIn.branch_id == branch_id,
            CheckIn.customer_id == customer_id,
            CheckIn.created_at >= start,
            CheckIn.created_at < end,
        )
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(1)
    )


RATE_WITHIN = timedelta(minutes=30)  # a walk-in ended this recently may still be rated


def on_my_hands(staff: Staff) -> tuple[list[CheckIn], list[CheckIn]]:
    """Today's walk-ins the member of staff is serving (their Today shows 办结 for each), and
    those they ended in the last RATE_WITHIN not yet rated (the customer rates on their phone).
    One statement."""
    start, end = timeutil.day_bounds(timeutil.local_date())
    ended_since = timeutil.now_naive() - RATE_WITHIN
    visits = db.session.scalars(
        select(CheckIn)
        .where(
            CheckIn.branch_id == staff.branch_id,
            CheckIn.served_by_id == staff.id,
            CheckIn.created_at >= start,
            CheckIn.created_at < end,
            or_(
                CheckIn.state == VisitState.SERVING,
                and_(
                    CheckIn.state == VisitState.DONE,
                    CheckIn.rating.is_(None),
                    CheckIn.done_at >= ended_since,
                ),
            ),
        )
        .order_by(CheckIn.served_at)
    ).all()
    serving = [v for v in visits if v.state is VisitState.SERVING]
    return serving, [v for v in visits if v.state is VisitState.DONE]


def waited_too_long(row, limit_minutes: int) -> bool:
    """Whether a board row is a walk-in still waiting past the branch's limit."""
    return row.state is VisitState.WAITING and minutes_waited(row) >= limit_minutes


def minutes_waited(visit) -> int:
    """Minutes from check-in to being served (or to now while waiting), of a CheckIn or a
    board row."""
    end = visit.served_at or visit.done_at or timeutil.now_naive()
    if visit.state is VisitState.WAITING:
        end = timeutil.now_naive()
    return max(0, int((end - visit.created_at).total_seconds() // 60))


def board_referrals(user, rows) -> dict[int, tuple[int, bool]]:
    """{check_in_id: (referral_id, overdue)} for the board's rows with a referral, answered by
    the domains listening to signals.lobby_board_shown (referrals)."""
    found: dict[int, tuple[int, bool]] = {}
    ids = [row.id for row in rows]
    for _receiver, answer in signals.lobby_board_shown.send(user.branch_id, check_in_ids=ids):
        found.update(answer or {})
    return found


def lobby_settings(branch_id: int) -> dict:
    """The branch's lobby settings, read once per request: "wait_minutes" and "bands". The
    referrals domain keeps them with the criteria and answers signals.lobby_settings."""
    cached = g.setdefault("lobby_settings", {})
    if branch_id not in cached:
        answers = [a for _r, a in signals.lobby_settings.send(branch_id) if a]
        if not answers:
            raise LookupError("no domain answers signals.lobby_settings")
        cached[branch_id] = answers[0]
    return cached[branch_id]


def scripts(branch_id: int) -> dict[Need, Script]:
    """The branch's scripts (话术) by need, once per request (the board shows them beside the
    check-in and its rows are polled)."""
    cached = g.setdefault("lobby_scripts", {})
    if branch_id not in cached:
        found = db.session.scalars(select(Script).where(Script.branch_id == branch_id))
        cached[branch_id] = {s.need: s for s in found}
    return cached[branch_id]
