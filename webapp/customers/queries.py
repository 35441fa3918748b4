"""Read-only queries over customers, always branch-scoped."""

from sqlalchemy import or_

from webapp.auth.access import scoped
from webapp.customers.models import Customer

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
        query = query.where(or_(*conditions))
    return query.order_by(Customer.name, Customer.id).limit(limit)
