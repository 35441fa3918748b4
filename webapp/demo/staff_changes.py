"""Demo step: a retail account manager who left twelve days ago and whose book the branch
manager handed to two colleagues (the staff page's history and their Today show it)."""

from datetime import timedelta

from sqlalchemy import func, select

from webapp.auth.models import HandOver, Role, Staff
from webapp.customers.models import Customer
from webapp.extensions import db

LEFT_DAYS_AGO = 12


def load(ctx) -> None:
    """The leaver (deactivated, never deleted) and the two hand-over rows of their book."""
    home, manager = ctx.branches["home"], ctx.staff["manager"]
    left_at = ctx.now - timedelta(days=LEFT_DAYS_AGO)
    leaver = Staff(
        username="retail_former",
        name="钱伟",
        role=Role.RETAIL_AM,
        title="零售客户经理",
        branch_id=home.id,
        password_hash=manager.password_hash,
        active=False,
        created_at=ctx.now - timedelta(days=400),
    )
    db.session.add(leaver)
    db.session.flush()
    ctx.staff[leaver.username] = leaver
    # Their customers are the ones the receivers now own; counted, not invented.
    shares = (("retail1", 6, 1, 0, 2), ("wealth2", 3, 0, 1, 1))
    for username, customers, prospects, referrals, appointments in shares:
        receiver = ctx.staff[username]
        owned = db.session.scalar(
            select(func.count(Customer.id)).where(Customer.owner_id == receiver.id)
        )
        db.session.add(
            HandOver(
                branch_id=home.id,
                from_staff_id=leaver.id,
                to_staff_id=receiver.id,
                by_id=manager.id,
                reason="deactivated",
                customers=min(customers, owned),
                prospects=prospects,
                referrals=referrals,
                appointments=appointments,
                schedule_entries=appointments,
                at=left_at,
            )
        )
    db.session.flush()
    ctx.made["hand-overs"] = len(shares)
