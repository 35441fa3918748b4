"""Monthly targets: entered by the branch manager, validated beside each field."""

from datetime import date

from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_staff
from webapp.auth.models import Role
from webapp.figures.models import Target

URL = "/reports/targets?month=2026-10"


def test_manager_sets_branch_and_personal_targets(app, db, branch, client, login_as):
    """Yuan are stored in fen, counts as counts; the grid shows them again."""
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    login_as(Role.BRANCH_MANAGER)
    data = {
        "t-branch-deposit": "1,000,000.50",
        f"t-{wealth.id}-wealth_management": "300000",
        f"t-{wealth.id}-new_customers": "6",
    }
    response = client.post_form(URL, data, follow_redirects=True)
    assert "Targets saved." in text_of(response) or "目标已保存" in text_of(response)
    with app.app_context():
        rows = {
            (t.staff_id, t.metric): (t.value, t.month) for t in db.session.scalars(select(Target))
        }
    assert rows == {
        (None, "deposit"): (1_000_000_50, date(2026, 10, 1)),
        (wealth.id, "wealth_management"): (300_000_00, date(2026, 10, 1)),
        (wealth.id, "new_customers"): (6, date(2026, 10, 1)),
    }
    html = client.get(URL).get_data(as_text=True)
    assert 'name="t-branch-deposit" value="1000000.50"' in html
    assert f'name="t-{wealth.id}-wealth_management" value="300000"' in html
    # Emptying a field removes the target; the others stay.
    data[f"t-{wealth.id}-new_customers"] = ""
    client.post_form(URL, data)
    with app.app_context():
        assert db.session.scalar(select(Target).where(Target.metric == "new_customers")) is None
        assert len(db.session.scalars(select(Target)).all()) == 2


def test_bad_targets_get_messages_beside_the_fields(app, db, branch, client, login_as):
    """Negative, non-numeric and fractional counts are refused; typed values are kept."""
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    login_as(Role.BRANCH_MANAGER, locale="en")
    data = {
        "t-branch-deposit": "-5",
        f"t-{wealth.id}-fund": "abc",
        f"t-{wealth.id}-referrals": "1.5",
        "t-branch-loan": "12.345",
    }
    response = client.post_form(URL, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="t-branch-deposit-error">Enter zero or more.' in html
    assert f'id="t-{wealth.id}-fund-error">Enter a number.' in html
    assert f'id="t-{wealth.id}-referrals-error">Enter a whole number.' in html
    assert 'id="t-branch-loan-error">At most two decimals.' in html
    assert 'value="abc"' in html and 'value="-5"' in html
    with app.app_context():
        assert db.session.scalar(select(Target)) is None


def test_only_the_branch_manager_sets_targets(app, db, branch, client, login_as):
    """Everyone else is refused."""
    for role in (Role.WEALTH_MANAGER, Role.TELLER, Role.ADMIN):
        login_as(role)
        assert client.get(URL).status_code == 403


def test_cards_and_e_banking_targets_are_whole_accounts_and_cards(
    app, db, branch, client, login_as
):
    """Item 4: a target of 5 e-banking sign-ups is 5 accounts (not 5 yuan), 2.5 cards is
    refused; each field says its unit."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    response = client.post_form(URL, {"t-branch-e_banking": "5", "t-branch-card": "2.5"})
    assert 'id="t-branch-card-error">Enter a whole number.' in response.get_data(as_text=True)
    client.post_form(URL, {"t-branch-e_banking": "5", "t-branch-card": "3"})
    with app.app_context():
        rows = {t.metric: t.value for t in db.session.scalars(select(Target))}
    assert rows == {"e_banking": 5, "card": 3}
    html = client.get(URL).get_data(as_text=True)
    assert 'name="t-branch-e_banking" value="5"' in html and 'inputmode="numeric"' in html
    assert "E-banking (accounts)" in html and "Deposits (yuan)" in html
