"""Sales: amounts split by shares add up to the fen."""

import pytest
from sqlalchemy import select

from tests.factories import make_customer, make_staff
from webapp.auth.models import Role
from webapp.sales.models import CreditRole, ProductCategory, Sale
from webapp.sales.services import record_sale, split_amount


@pytest.mark.parametrize(
    ("amount", "shares", "expected"),
    [
        (100_00, [8000, 2000], [80_00, 20_00]),
        (1, [5000, 5000], [1, 0]),
        (10, [3333, 3333, 3334], [3, 3, 4]),
        (6_000_000_01, [6000, 4000], [3_600_000_01, 2_400_000_00]),
    ],
)
def test_split_amount_sums_exactly(amount, shares, expected):
    """The parts always add up to the amount; leftover fen go to the largest remainders."""
    parts = split_amount(amount, shares)
    assert parts == expected and sum(parts) == amount


def test_split_refuses_shares_not_adding_to_100_percent():
    """Shares must add to 10000 basis points."""
    with pytest.raises(ValueError):
        split_amount(100, [5000, 4000])


def test_record_sale_stores_lines_that_sum_to_the_sale(app, db, branch):
    """A referral sale stores two lines adding to exactly the sale amount."""
    teller = make_staff(Role.TELLER, branch)
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch)
    with app.app_context():
        record_sale(
            branch_id=branch.id, customer_id=customer.id, seller_id=wealth.id,
            category=ProductCategory.WEALTH_MANAGEMENT, product_name="稳健理财60天",
            amount_fen=60_000_01,
            credit=[(teller.id, CreditRole.REFERRER, 8000), (wealth.id, CreditRole.SELLER, 2000)],
        )  # fmt: skip
        db.session.commit()
        sale = db.session.scalar(select(Sale))
        assert [line.amount_fen for line in sale.credit_lines] == [48_000_01, 12_000_00]
        assert sum(line.amount_fen for line in sale.credit_lines) == sale.amount_fen
