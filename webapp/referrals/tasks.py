"""The referrals domain's work for the push worker's pass (webapp/push/scheduler.py): no page
view writes for it."""

from datetime import datetime

from sqlalchemy import select

from webapp import signals
from webapp.auth.models import Branch
from webapp.extensions import db
from webapp.referrals.models import Referral, ReferralEvent
from webapp.referrals.queries import overdue, overdue_before


def notify_overdue(now: datetime) -> int:
    """Tell each branch's managers, once per referral, about referrals overdue for acceptance
    (the `referral_overdue` signal writes the notifications); records when, with a history line.
    Returns how many referrals were newly told about."""
    told = 0
    for branch_id in db.session.scalars(select(Branch.id)).all():
        late = db.session.scalars(
            select(Referral).where(
                Referral.branch_id == branch_id,
                overdue(overdue_before(branch_id, now)),
                Referral.overdue_flagged_at.is_(None),
            )
        ).all()
        for referral in late:
            referral.overdue_flagged_at = now
            state = referral.state.value
            referral.events.append(
                ReferralEvent(at=now, action="overdue", from_state=state, to_state=state)
            )
            signals.referral_overdue.send(referral)
        told += len(late)
    db.session.flush()
    return told
