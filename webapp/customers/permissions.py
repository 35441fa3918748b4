"""Who may open a customer's full sheet and who may edit it (the issue's access rules).

- Account and wealth managers: their own customers in full and editable; other customers of
  the branch as the basic card only.
- Tellers and the lobby manager: create customers, see basic cards.
- The branch manager: everything in the branch. The administrator: read their region.
Branch scoping itself is done by scoped()/get_or_404(); these rules apply inside it.
"""

from sqlalchemy import ColumnElement, true

from webapp.auth.models import SALES_ROLES, Role, Staff
from webapp.customers.models import Customer

CREATORS = SALES_ROLES | {Role.TELLER, Role.LOBBY_MANAGER, Role.BRANCH_MANAGER}


def can_edit(user: Staff, customer: Customer) -> bool:
    """Whether the user may change the customer's sheet."""
    if user.role == Role.BRANCH_MANAGER:
        return customer.branch_id == user.branch_id
    if user.role in SALES_ROLES:
        return customer.owner_id == user.id
    return False


def can_view_full(user: Staff, customer: Customer) -> bool:
    """Whether the user may open the full sheet (an audited view) rather than the basic card."""
    return user.role == Role.ADMIN or can_edit(user, customer)


def full_view_clause(user: Staff) -> ColumnElement[bool] | None:
    """can_view_full() as a condition on Customer (inside the branch scope), None for nobody."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.BRANCH_MANAGER:
        return Customer.branch_id == user.branch_id
    if user.role in SALES_ROLES:
        return Customer.owner_id == user.id
    return None


def can_create(user: Staff) -> bool:
    """Whether the user may create customers."""
    return user.role in CREATORS


def can_edit_own(user: Staff) -> bool:
    """Whether the customers the user creates become their own (salespeople only)."""
    return user.role in SALES_ROLES
