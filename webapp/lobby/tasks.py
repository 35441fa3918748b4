"""The lobby's work for the push worker's pass (it answers signals.worker_pass): a walk-in waiting
past the branch's limit is told to the lobby managers once. The board marks it by itself (from
the times); no read of the board writes."""

from datetime import datetime, timedelta

from sqlalchemy import select

from webapp import signals, timeutil
from webapp.extensions import db
from webapp.lobby.models import CheckIn, VisitState
from webapp.lobby.queries import lobby_settings


def notify_long_waits(now: datetime) -> int:
    """Flag today's walk-ins still waiting past their branch's limit, once each, and send the
    `walk_in_waiting` signal (its listener writes the notifications). Returns how many."""
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
    limits = {
        branch_id: timedelta(minutes=lobby_settings(branch_id)["wait_minutes"])
        for branch_id in {v.branch_id for v in waiting}
    }
    told = 0
    for visit in waiting:
        limit = limits[visit.branch_id]
        if visit.created_at <= now - limit:
            visit.long_wait_flagged_at = now
            signals.walk_in_waiting.send(
                visit, minutes=int((now - visit.created_at) // timedelta(minutes=1))
            )
            told += 1
    db.session.flush()
    return told


@signals.worker_pass.connect
def long_waits(now, **_) -> int:
    """The worker's pass: tell the lobby managers of walk-ins waiting past the limit."""
    return notify_long_waits(now)
