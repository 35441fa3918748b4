"""Figures for the home pages, computed in SQL and branch-scoped."""

from sqlalchemy import func, select

from webapp.auth.access import visible_branch_ids
from webapp.auth.models import Branch, Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.timeutil import day_start_utc, local_today, week_start


def branch_figures(user: Staff) -> dict:
    """Customer counts for the user's branches: total, new this week, by channel."""
    in_scope = Customer.branch_id.in_(visible_branch_ids(user))
    total, new_this_week = db.session.execute(
        select(
            func.count(Customer.id),
            func.count(Customer.id).filter(
                Customer.created_at >= day_start_utc(week_start(local_today()))
            ),
        ).where(in_scope)
    ).one()
    by_channel = db.session.execute(
        select(Customer.acquired_via, func.count(Customer.id))
        .where(in_scope)
        .group_by(Customer.acquired_via)
        .order_by(func.count(Customer.id).desc())
    ).all()
    return {"total": total, "new_this_week": new_this_week, "by_channel": by_channel}


def staff_with_customer_counts(user: Staff):
    """The active staff of the user's branches, each with the number of customers they own."""
    counts = (
        select(Customer.owner_id, func.count(Customer.id).label("n"))
        .group_by(Customer.owner_id)
        .subquery()
    )
    return db.session.execute(
        select(Staff, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.owner_id == Staff.id)
        .where(Staff.branch_id.in_(visible_branch_ids(user)), Staff.active.is_(True))
        .order_by(Staff.role, Staff.name_key, Staff.id)
    ).all()


def region_overview(user: Staff):
    """Each branch the user oversees, with its staff and customer counts; a region (管辖行,
    a branch with branches below it) is not one of them."""
    staff_counts = (
        select(Staff.branch_id, func.count(Staff.id).label("n"))
        .group_by(Staff.branch_id)
        .subquery()
    )
    customer_counts = (
        select(Customer.branch_id, func.count(Customer.id).label("n"))
        .group_by(Customer.branch_id)
        .subquery()
    )
    return db.session.execute(
        select(Branch, func.coalesce(staff_counts.c.n, 0), func.coalesce(customer_counts.c.n, 0))
        .outerjoin(staff_counts, staff_counts.c.branch_id == Branch.id)
        .outerjoin(customer_counts, customer_counts.c.branch_id == Branch.id)
        .where(
            Branch.id.in_(visible_branch_ids(user)),
            ~Branch.id.in_(select(Branch.parent_id).where(Branch.parent_id.is_not(None))),
        )
        .order_by(Branch.code)
    ).all()


def my_recent_customers(user: Staff, limit: int = 5):
    """The customers the user owns, most recently updated first."""
    return (
        db.session.execute(
            select(Customer)
            .where(Customer.owner_id == user.id, Customer.branch_id == user.branch_id)
            .order_by(Customer.updated_at.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
