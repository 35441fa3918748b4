"""The demo data command: the sign-ins the README promises, and only into an empty database."""

from sqlalchemy import func, select

from webapp.auth.models import Branch, Role, Staff
from webapp.customers.models import Customer, CustomerKind
from webapp.customers.validators import is_credit_code, is_mobile
from webapp.demo import DEMO_PASSWORD

SIGN_INS = {
    "manager": Role.BRANCH_MANAGER,
    "wealth1": Role.WEALTH_MANAGER,
    "wealth2": Role.WEALTH_MANAGER,
    "retail1": Role.RETAIL_AM,
    "credit1": Role.CREDIT_AM,
    "corporate1": Role.CORPORATE_AM,
    "lobby1": Role.LOBBY_MANAGER,
    "teller1": Role.TELLER,
    "teller2": Role.TELLER,
    "admin": Role.ADMIN,
}


def test_demo_data_creates_the_documented_branch(app, db):
    """The documented sign-ins exist with the documented password; customers look real."""
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "demo-password" in result.output
    with app.app_context():
        home = db.session.scalar(select(Branch).where(Branch.name == "陆家嘴支行"))
        for username, role in SIGN_INS.items():
            staff = db.session.scalar(select(Staff).where(Staff.username == username))
            assert staff.role == role and staff.check_password(DEMO_PASSWORD)
            if role != Role.ADMIN:
                assert staff.branch_id == home.id
        customers = db.session.scalars(select(Customer).where(Customer.branch_id == home.id)).all()
        assert 180 <= len(customers) <= 220
        assert all(is_mobile(c.mobile) for c in customers)
        smes = [c for c in customers if c.kind == CustomerKind.SME]
        assert smes and all(is_credit_code(c.credit_code) for c in smes)
        second_branch_staff = db.session.scalar(
            select(func.count(Staff.id)).where(Staff.branch_id != home.id, Staff.role != Role.ADMIN)
        )
        assert second_branch_staff >= 3


def test_demo_data_refuses_a_database_with_data_unless_if_empty(app, db):
    """A second run refuses; with --if-empty it says so and leaves the data alone."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code != 0 and "already has data" in again.output
    quiet = runner.invoke(args=["demo-data", "--if-empty"])
    assert quiet.exit_code == 0 and "nothing loaded" in quiet.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Branch.id))) == 3
