"""Today's lobby board, in SQL, for the signed-in member of staff's branch."""

from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from webapp.auth.access import scope_params, scoped_template
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.lobby import clock
from webapp.lobby.models import CheckIn, VisitState

BOARD_ORDER = {
    VisitState.WAITING: 0,
    VisitState.REFERRED: 1,
    VisitState.SERVING: 2,
    VisitState.DONE: 3,
}


def todays_board(user) -> tuple[list[CheckIn], dict[int, tuple[int, bool]]]:
    """Today's check-ins of the user's branch (waiting first, then referred, serving, done), and
    for those referred: their latest referral's id and whether it is overdue."""
    from webapp.referrals.models import State

    start, end = clock.day_bounds(clock.local_date())
    params = scope_params(user) | {"branch_id": user.branch_id, "start": start, "end": end}
    rows = db.session.execute(_board_statement(), params).all()
    visits = sorted((row[0] for row in rows), key=lambda c: (BOARD_ORDER[c.state], c.created_at))
    referrals = {
        visit.id: (referral_id, flagged is not None and state == State.REFERRED)
        for visit, referral_id, flagged, state in rows
        if referral_id is not None
    }
    return visits, referrals


@cache
def _board_statement():
    """The board's one statement, built once per process (bound parameters)."""
    from webapp.referrals.models import Referral

    latest = (
        select(func.max(Referral.id))
        .where(Referral.check_in_id == CheckIn.id)
        .correlate(CheckIn)
        .scalar_subquery()
    )
    return (
        scoped_template(CheckIn)
        .add_columns(Referral.id, Referral.overdue_flagged_at, Referral.state)
        # The latest referral in the same statement (one row per check-in at most).
        .outerjoin(Referral, Referral.id == latest)
        .where(
            CheckIn.branch_id == bindparam("branch_id"),
            CheckIn.created_at >= bindparam("start"),
            CheckIn.created_at < bindparam("end"),
        )
        # Many-to-one, joined into the same statement rather than one more each; a row shows
        # only the customer's name and mobile and the server's name.
        .options(
            joinedload(CheckIn.customer).load_only(Customer.name, Customer.mobile),
            joinedload(CheckIn.served_by).load_only(Staff.name),
        )
        .order_by(CheckIn.created_at)
    )


def minutes_waited(visit: CheckIn) -> int:
    """Minutes from check-in to being served (or to now while waiting)."""
    end = visit.served_at or visit.done_at or clock.now_naive()
    if visit.state is VisitState.WAITING:
        end = clock.now_naive()
    return max(0, int((end - visit.created_at).total_seconds() // 60))
