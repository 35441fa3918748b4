"""Today's lobby board, in SQL, for the signed-in member of staff's branch."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.auth.access import scoped
from webapp.extensions import db
from webapp.lobby import clock
from webapp.lobby.models import CheckIn, VisitState

BOARD_ORDER = {
    VisitState.WAITING: 0,
    VisitState.REFERRED: 1,
    VisitState.SERVING: 2,
    VisitState.DONE: 3,
}


def todays_board(user) -> list[CheckIn]:
    """Today's check-ins of the user's branch: waiting first, then referred, serving, done."""
    start, end = clock.day_bounds(clock.local_date())
    rows = db.session.scalars(
        scoped(CheckIn, user)
        .where(
            CheckIn.branch_id == user.branch_id,
            CheckIn.created_at >= start,
            CheckIn.created_at < end,
        )
        # Many-to-one: joined into the same statement rather than one more each.
        .options(joinedload(CheckIn.customer), joinedload(CheckIn.served_by))
        .order_by(CheckIn.created_at)
    ).all()
    return sorted(rows, key=lambda c: (BOARD_ORDER[c.state], c.created_at))


def minutes_waited(visit: CheckIn) -> int:
    """Minutes from check-in to being served (or to now while waiting)."""
    end = visit.served_at or visit.done_at or clock.now_naive()
    if visit.state is VisitState.WAITING:
        end = clock.now_naive()
    return max(0, int((end - visit.created_at).total_seconds() // 60))


def open_referral_ids(check_in_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """For check-ins that were referred: the latest referral id and whether it is overdue."""
    from webapp.referrals.models import Referral, State

    if not check_in_ids:
        return {}
    rows = db.session.execute(
        select(Referral.check_in_id, Referral.id, Referral.overdue_flagged_at, Referral.state)
        .where(Referral.check_in_id.in_(check_in_ids))
        .order_by(Referral.id)
    ).all()
    return {
        cid: (rid, flagged is not None and state == State.REFERRED)
        for cid, rid, flagged, state in rows
    }
