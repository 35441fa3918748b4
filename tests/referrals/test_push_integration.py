"""A real referral reaches the receiver's push outbox; an overdue one reaches the manager."""

from datetime import timedelta

from sqlalchemy import select

from tests.referrals.conftest import refer
from webapp.push.models import Kind, Notification
from webapp.referrals.tasks import notify_overdue
from webapp.timeutil import now_naive


def test_referral_sent_writes_the_receivers_notification(app, db, team):
    """The notification names the customer (masked phone only) and opens the referral."""
    with app.test_request_context():
        referral = refer(team)
        rows = db.session.scalars(select(Notification)).all()
        assert [(n.staff_id, n.kind) for n in rows] == [(team.wealth, Kind.REFERRAL_RECEIVED)]
        note = rows[0]
        assert "钱多多" in note.title + note.body
        assert "139****5678" in note.title + note.body
        assert "13912345678" not in note.title + note.body
        assert note.url == f"/referrals/{referral.id}"


def test_overdue_referral_notifies_the_manager_once(app, db, team):
    """Past the branch's limit the manager is told, and a second pass adds nothing."""
    with app.test_request_context():
        referral = refer(team)
        referral.created_at -= timedelta(minutes=30)
        db.session.commit()
        notify_overdue(now_naive())
        notify_overdue(now_naive())
        overdue = db.session.scalars(
            select(Notification).where(Notification.kind == Kind.REFERRAL_OVERDUE)
        ).all()
        assert [n.staff_id for n in overdue] == [team.manager]


def test_the_push_workers_scheduler_flags_overdue_referrals(app, db, team):
    """The worker's pass (no request) flags a late referral and writes the manager's notification."""
    from webapp.push.scheduler import run_scheduled
    from webapp.timeutil import now_naive

    with app.test_request_context():
        referral = refer(team)
        referral.created_at -= timedelta(minutes=30)
        db.session.commit()
        referral_id = referral.id
    with app.app_context():
        made = run_scheduled(now_naive())
        assert made["overdue_referrals"] == 1
        overdue = db.session.scalars(
            select(Notification).where(Notification.kind == Kind.REFERRAL_OVERDUE)
        ).all()
        assert [n.staff_id for n in overdue] == [team.manager]
        assert overdue[0].url == f"/referrals/{referral_id}"
