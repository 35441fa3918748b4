"""Chosen or new customer: the one rule for every form that names a customer (lobby check-in,
referral, appointment; a coaching plan item only chooses).

The duplicate rule: a new customer whose mobile is already one of the branch's is refused
(DuplicateCustomer, carrying the existing customer), and the form offers that customer as the
one chosen, with a message beside the mobile. An existing customer is never reused silently:
the person typing may have the wrong number or the wrong person, and only they can tell."""

from flask_babel import gettext as _

from webapp.auth.models import Staff
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.customers.queries import branch_customer
from webapp.customers.services import DuplicateCustomer, create_customer

__all__ = ["DuplicateCustomer", "UnknownCustomer", "chosen_or_new", "duplicate_message"]


class UnknownCustomer(Exception):
    """The form named a customer the user's branch does not have."""


def chosen_or_new(
    staff: Staff,
    *,
    customer_id: int | str | None,
    new_name: str | None,
    new_mobile: str | None,
    acquired_via: Acquisition,
    owner_id: int | None = None,
) -> Customer | None:
    """The branch's customer chosen by id (UnknownCustomer if not the branch's), else a new one
    from the name and mobile typed (DuplicateCustomer when the mobile is the branch's already:
    refused, never reused), else None (anonymous)."""
    if customer_id:
        customer = branch_customer(customer_id, staff)
        if customer is None:
            raise UnknownCustomer
        return customer
    if new_name and new_name.strip():
        return create_customer(
            branch_id=staff.branch_id,
            kind=CustomerKind.INDIVIDUAL,
            name=new_name,
            mobile=new_mobile or None,
            owner_id=owner_id,
            acquired_via=acquired_via,
        )
    return None


def duplicate_message(existing: Customer) -> str:
    """What the form says beside the mobile it refused: whose it is, and that they are chosen."""
    return _(
        "This mobile belongs to %(name)s, who is now chosen. Check the name, or enter another mobile.",
        name=existing.name,
    )
