"""Every state change of the customers domain."""

from flask import request
from sqlalchemy import or_, select

from webapp.auth.models import Staff
from webapp.customers.models import Acquisition, Customer, CustomerKind, CustomerView
from webapp.extensions import db


def record_full_view(customer: Customer, staff: Staff) -> CustomerView:
    """Write the audit row for a member of staff opening a customer's full record."""
    view = CustomerView(
        customer_id=customer.id,
        staff_id=staff.id,
        branch_id=customer.branch_id,
        ip_address=(request.remote_addr or "")[:45],
    )
    db.session.add(view)
    db.session.commit()
    return view


class DuplicateCustomer(Exception):
    """A customer with this mobile or credit code already exists in the branch."""

    def __init__(self, existing: Customer):
        super().__init__(f"duplicate of customer {existing.id}")
        self.existing = existing


def find_duplicate(branch_id: int, mobile: str | None = None, credit_code: str | None = None):
    """The branch's existing customer with this mobile or credit code, if any."""
    conditions = []
    if mobile:
        conditions.append(Customer.mobile == mobile)
    if credit_code:
        conditions.append(Customer.credit_code == credit_code.upper())
    if not conditions:
        return None
    return db.session.scalars(
        select(Customer).where(Customer.branch_id == branch_id, or_(*conditions)).limit(1)
    ).first()


def create_customer(
    *,
    branch_id: int,
    kind: CustomerKind,
    name: str,
    mobile: str | None = None,
    credit_code: str | None = None,
    owner_id: int | None = None,
    acquired_via: Acquisition = Acquisition.LOBBY,
    commit: bool = True,
) -> Customer:
    """Create a customer unless the mobile or credit code is already the branch's (DuplicateCustomer)."""
    existing = find_duplicate(branch_id, mobile, credit_code)
    if existing is not None:
        raise DuplicateCustomer(existing)
    customer = Customer(
        branch_id=branch_id,
        kind=kind,
        name=name.strip(),
        mobile=mobile or None,
        credit_code=credit_code.upper() if credit_code else None,
        owner_id=owner_id,
        acquired_via=acquired_via,
    )
    db.session.add(customer)
    if commit:
        db.session.commit()
    return customer
