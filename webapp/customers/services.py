"""Every state change of the customers domain."""

from flask import request

from webapp.auth.models import Staff
from webapp.customers.models import Customer, CustomerView
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
