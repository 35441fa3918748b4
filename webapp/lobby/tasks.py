"""The lobby's work for the push worker's pass (webapp/push/scheduler.py): a walk-in waiting
past the branch's limit is told to the lobby managers once. The board marks it by itself (from
the times); no read of the board writes."""

from datetime import datetime, timedelta

from sqlalchemy import select

from webapp import signals, timeutil
from webapp.extensions import db
from webapp.lobby.models import CheckIn, VisitState


def notify_long_waits(now: datetime) -> int:
    """Flag today's walk-ins still waiting past their branch's limit, once each, and send the
    `walk_in_waiting` signal (its listener writes the notifications). Returns how many."""
    from webapp.referrals.models import DEFAULT_WAIT_MINUTES, ReferralCriteria

    start, _end = timeutil.day_bounds(timeutil.local_date(now))
    waiting = db.session.scalars(
        select(CheckIn)
        .where(
            CheckIn.state == VisitState.WAITING,
            CheckIn.created_at >= start,
            CheckIn.long_wait_flagged_at.is_(None),
        )
        .order_by(CheckIn.created_at)
    ).all()
    if not waiting:
        return 0
    limits = dict(
        db.session.execute(
            select(ReferralCriteria.branch_id, ReferralCriteria.wait_minutes).where(
                ReferralCriteria.branch_id.in_({v.branch_id for v in waiting})
            )
        ).all()
    )
    told = 0
    for visit in waiting:
        limit = timedelta(minutes=limits.get(visit.branch_id) or DEFAULT_WAIT_MINUTES)
        if visit.created_at <= now - limit:
            visit.long_wait_flagged_at = now
            signals.walk_in_waiting.send(
                visit, minutes=int((now - visit.created_at) // timedelta(minutes=1))
            )
            told += 1
    db.session.flush()
    return told
