"""Customer services: creation refuses duplicates within a branch."""

import pytest
from sqlalchemy import func, select

from tests.factories import make_branch, make_customer
from webapp.customers.models import Customer, CustomerKind
from webapp.customers.services import DuplicateCustomer, create_customer


def test_duplicate_mobile_or_credit_code_in_the_same_branch_is_refused(app, db, branch):
    """The existing record comes back with the refusal; another branch may hold the same mobile."""
    existing = make_customer(branch, mobile="13812341234", credit_code="91350100M000100Y43")
    with app.app_context():
        with pytest.raises(DuplicateCustomer) as by_mobile:
            create_customer(
                branch_id=branch.id, kind=CustomerKind.INDIVIDUAL, name="甲", mobile="13812341234"
            )
        assert by_mobile.value.existing.id == existing.id
        with pytest.raises(DuplicateCustomer):
            create_customer(
                branch_id=branch.id,
                kind=CustomerKind.SME,
                name="乙",
                credit_code="91350100m000100y43",
            )
        other = make_branch()
        made = create_customer(
            branch_id=other.id, kind=CustomerKind.INDIVIDUAL, name="丙", mobile="13812341234"
        )
        assert made.id != existing.id
        assert db.session.scalar(select(func.count(Customer.id))) == 2
