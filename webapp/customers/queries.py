"""Read-only queries over customers, always branch-scoped."""

from sqlalchemy import func, or_, select

from webapp.auth.access import scoped
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db

PAGE_SIZE = 30


def search_customers(term: str, limit: int = PAGE_SIZE):
    """Customers the user may see whose name, company or mobile tail matches the term."""
    query = scoped(Customer)
    term = term.strip()
    if term:
        like = f"%{term}%"
        conditions = [Customer.name.ilike(like)]
        if term.isdigit():
            conditions.append(Customer.mobile.like(f"%{term}"))
        if len(term) >= 6 and term.isalnum() and term.isascii():
            conditions.append(Customer.credit_code.like(f"{term.upper()}%"))
        query = query.where(or_(*conditions))
    return query.order_by(Customer.name, Customer.id).limit(limit)


def completeness_by_staff(branch_ids: list[int]):
    """Per owner in the branches: customers owned and their sheets' average completeness (0-100).

    Rows of (staff_id, staff_name, customers, average, complete) ordered by average, lowest first:
    the manager coaches whoever's sheets are thinnest. `complete` counts sheets at 80% or more.
    """
    return db.session.execute(
        select(
            Staff.id,
            Staff.name,
            func.count(Customer.id),
            func.coalesce(func.round(func.avg(Customer.completeness)), 0),
            func.count(Customer.id).filter(Customer.completeness >= 80),
        )
        .join(Customer, Customer.owner_id == Staff.id)
        .where(Customer.branch_id.in_(branch_ids))
        .group_by(Staff.id, Staff.name)
        .order_by(func.avg(Customer.completeness), Staff.name)
    ).all()
