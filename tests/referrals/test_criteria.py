"""Each referral criterion, the simple products, and the manager-only criteria page."""

import pytest
from sqlalchemy import select

from tests.conftest import text_of
from webapp.auth.models import Role
from webapp.lobby.models import Need
from webapp.referrals.criteria import Facts, criteria_for, matching_rules, simple_products
from webapp.referrals.models import ReferralCriteria, Rule


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (Facts((Need.DEPOSIT,), amount_fen=50_000_00), [Rule.LARGE_TRANSACTION]),
        (Facts((Need.DEPOSIT,), amount_fen=49_999_99), []),
        (Facts((Need.TRANSFER,), amount_fen=60_000_00), [Rule.LARGE_TRANSACTION]),
        (Facts((Need.CARD, Need.DEPOSIT), amount_fen=60_000_00), [Rule.LARGE_TRANSACTION]),
        (Facts((Need.E_BANKING,), amount_fen=900_000_00), []),  # a simple product: not grounds
        (Facts((Need.CARD, Need.FEATURED)), [Rule.FEATURED_INTEREST]),
        (Facts((Need.ENQUIRY,), flow_fen=100_000_00), [Rule.ACCOUNT_FLOW]),
        (Facts((Need.ENQUIRY,), flow_fen=99_999_99), []),
        (Facts((Need.E_BANKING,), clear_intent=True), [Rule.CLEAR_INTENT]),
        (
            Facts((Need.DEPOSIT, Need.FEATURED), amount_fen=80_000_00, flow_fen=200_000_00),
            [Rule.LARGE_TRANSACTION, Rule.FEATURED_INTEREST, Rule.ACCOUNT_FLOW],
        ),
    ],
)
def test_each_rule_with_the_seed_defaults(app, db, branch, facts, expected):
    """50,000 single transaction, featured interest, 100,000 six-month flow, clear intent."""
    with app.app_context():
        assert matching_rules(criteria_for(branch.id), facts) == expected


def test_rules_switched_off_or_raised_do_not_match(app, db, branch):
    """The branch's own thresholds and switches decide."""
    with app.app_context():
        criteria = criteria_for(branch.id)
        criteria.large_transaction_fen = 100_000_00
        criteria.featured_interest_on = False
        assert (
            matching_rules(criteria, Facts((Need.DEPOSIT, Need.FEATURED), amount_fen=60_000_00))
            == []
        )
        assert simple_products(criteria) == ["网上银行", "手机银行", "短信通知"]


def test_only_the_branch_manager_edits_criteria(client, login_as):
    """Other roles get 403 on the page and on the post."""
    for role in (Role.LOBBY_MANAGER, Role.TELLER, Role.WEALTH_MANAGER):
        login_as(role)
        assert client.get("/referrals/criteria").status_code == 403
    login_as(Role.TELLER)
    assert client.post("/referrals/criteria", data={"accept_minutes": "5"}).status_code in (
        400,
        403,
    )


def test_manager_changes_a_threshold_and_the_proposal_follows(app, db, client, login_as, branch):
    """Raise the single-transaction threshold to 100,000: a 60,000 deposit no longer qualifies."""
    login_as(Role.BRANCH_MANAGER)
    data = {"large_transaction_on": "y", "large_transaction_yuan": "100000", "featured_interest_on": "y",
            "account_flow_on": "y", "account_flow_yuan": "100000", "simple_products": "网上银行、手机银行",
            "accept_minutes": "15", "wait_minutes": "15"}  # fmt: skip
    response = client.post_form("/referrals/criteria", data, follow_redirects=True)
    assert "已保存" in text_of(response)
    with app.app_context():
        saved = db.session.scalar(select(ReferralCriteria))
        assert saved.large_transaction_fen == 100_000_00 and saved.accept_minutes == 15
    login_as(Role.LOBBY_MANAGER)
    page = text_of(
        client.post_form(
            "/lobby/check-ins",
            {"first_need": "deposit", "amount_yuan": "60000"},
            page="/lobby/",
            headers={"HX-Request": "true"},
        )
    )
    assert "单笔存取转汇" not in page


def test_bad_criteria_input_is_refused_beside_the_field(app, db, client, login_as, branch):
    """Zero amounts and out-of-range minutes: messages beside the fields, nothing saved."""
    login_as(Role.BRANCH_MANAGER)
    data = {"large_transaction_yuan": "0", "account_flow_yuan": "abc", "accept_minutes": "999"}
    response = client.post_form("/referrals/criteria", data)
    page = text_of(response)
    assert response.status_code == 200
    assert "请输入大于零的金额" in page and "请输入1至240分钟" in page
    with app.app_context():
        assert criteria_for(branch.id).accept_minutes == 10
