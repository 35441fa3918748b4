"""The credit statement (我的分润明细): a person's credit lines of a month with their totals; the
branch manager sees anyone of the branch, everyone else their own."""

from datetime import date, datetime

from tests.conftest import text_of
from tests.factories import _save, make_branch, make_customer, make_sale, make_staff
from webapp.auth.models import Role
from webapp.lobby.models import Need
from webapp.referrals.models import Referral, SplitPhase, State
from webapp.sales.models import CreditRole, ProductCategory, SaleSource


def _october(branch):
    """Li (lobby) refers a customer whom Wang (wealth) sells 30,000 of wealth management in the
    first phase (60% to the referrer); Wang also sells 5,000 of deposits alone."""
    lobby = make_staff(Role.LOBBY_MANAGER, branch, name="李娜", locale="en")
    wealth = make_staff(Role.WEALTH_MANAGER, branch, name="王芳", locale="en")
    customer = make_customer(branch, name="钱多多", mobile="13912345678")
    phase = _save(SplitPhase(branch_id=branch.id, name="第一阶段", starts_on=date(2026, 9, 1),
                             referrer_bp=6000))  # fmt: skip
    referral = _save(
        Referral(branch_id=branch.id, referrer_id=lobby.id, receiver_id=wealth.id,
                 customer_id=customer.id, need=Need.WEALTH, referred_on=date(2026, 10, 11),
                 created_at=datetime(2026, 10, 11, 2), state=State.WON,
                 closed_at=datetime(2026, 10, 12, 2), phase_id=phase.id)
    )  # fmt: skip
    make_sale(
        branch, wealth, customer, 30_000_00, category=ProductCategory.WEALTH_MANAGEMENT,
        product_name="稳健理财90天", sold_at=datetime(2026, 10, 12, 2),
        source=SaleSource.REFERRAL, source_id=referral.id,
        credit=[(lobby.id, CreditRole.REFERRER, 6000), (wealth.id, CreditRole.SELLER, 4000)],
    )  # fmt: skip
    make_sale(branch, wealth, customer, 5_000_00, sold_at=datetime(2026, 10, 13, 2))
    return lobby, wealth


def test_a_person_sees_their_own_lines_and_totals(app, db, branch, client, login_as):
    """Every line with its sale, masked customer, phase, share and amount; the totals."""
    lobby, wealth = _october(branch)
    login_as(wealth)
    page = text_of(client.get("/reports/credit?month=2026-10"))
    assert "Credit earned CN¥17,000.00" in page and "Referral credit CN¥12,000.00" in page
    assert "钱多多 139****5678 稳健理财90天" in page and "13912345678" not in page
    assert "Seller Referred 第一阶段 40.00% CN¥12,000.00" in page
    assert "Seller — 100.00% CN¥5,000.00" in page
    assert "Total CN¥17,000.00" in page
    # Someone else's statement is not theirs to see: the person asked for is ignored.
    assert "CN¥18,000.00" not in text_of(
        client.get(f"/reports/credit?month=2026-10&person={lobby.id}")
    )
    login_as(lobby)
    page = text_of(client.get("/reports/credit?month=2026-10"))
    assert "Referrer Referred 第一阶段 60.00% CN¥18,000.00" in page
    assert "Credit earned CN¥18,000.00" in page and "Referral credit CN¥18,000.00" in page


def test_the_manager_picks_anyone_of_the_branch(app, db, branch, client, login_as):
    """The person picker lists the team; another branch's person is not found."""
    lobby, _wealth = _october(branch)
    manager = login_as(Role.BRANCH_MANAGER, locale="en")
    # Their own statement first: the picker names them, not the first of the team.
    own = client.get("/reports/credit?month=2026-10").get_data(as_text=True)
    assert f'<option value="{manager.id}" selected>' in own
    page = text_of(client.get(f"/reports/credit?month=2026-10&person={lobby.id}"))
    assert "李娜" in page and "王芳" in page and "Credit earned CN¥18,000.00" in page
    other = make_staff(Role.TELLER, make_branch())
    assert client.get(f"/reports/credit?month=2026-10&person={other.id}").status_code == 404
    assert text_of(client.get("/reports/credit?month=2026-09")).count("No credit lines") == 1
    # The monthly report's names open their statements.
    monthly = client.get("/reports/monthly?month=2026-10").get_data(as_text=True)
    assert f'href="/reports/credit?person={lobby.id}&amp;month=2026-10"' in monthly


def test_the_statement_is_linked_from_the_ledger_and_me(app, db, branch, client, login_as):
    """The ledger and the Me page open the statement; the administrator has none."""
    login_as(Role.TELLER)
    assert 'href="/reports/credit' in client.get("/me").get_data(as_text=True)
    assert 'href="/reports/credit?month=' in client.get("/referrals/ledger").get_data(as_text=True)
    login_as(Role.ADMIN)
    assert client.get("/reports/credit").status_code == 403
