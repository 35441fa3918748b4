"""Reads for the push pages: a person's devices and history, a manager's broadcasts."""

from sqlalchemy import case, func, select

from webapp.extensions import db
from webapp.push.models import Kind, Notification, PushSubscription, Status


def my_devices(staff) -> list[PushSubscription]:
    """The person's subscribed devices, newest first."""
    return db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.staff_id == staff.id)
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
    ).all()


def my_history(staff, limit: int = 20) -> list[Notification]:
    """The person's latest notifications, whatever became of them."""
    return db.session.scalars(
        select(Notification)
        .where(Notification.staff_id == staff.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()


def recent_broadcasts(manager, limit: int = 10) -> list:
    """The manager's latest broadcasts: message, when, recipients and how many were delivered."""
    delivered = func.sum(case((Notification.status == Status.SENT, 1), else_=0))
    return db.session.execute(
        select(
            Notification.body,
            Notification.created_at,
            func.count(Notification.id).label("recipients"),
            func.coalesce(delivered, 0).label("delivered"),
        )
        .where(
            Notification.created_by_id == manager.id,
            Notification.kind == Kind.BRANCH_BROADCAST,
        )
        .group_by(Notification.body, Notification.created_at)
        .order_by(Notification.created_at.desc())
        .limit(limit)
    ).all()
