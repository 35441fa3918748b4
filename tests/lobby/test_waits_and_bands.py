"""Issue 19, items 4 and 5: the same customer twice in a day is warned about; a long wait is
marked on the board; amount bands follow the branch's thresholds and are shown as bands."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import text_of
from tests.factories import make_customer
from webapp import timeutil
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.lobby.models import CheckIn, Need
from webapp.lobby.services import check_in_visitor
from webapp.referrals.criteria import criteria_for

HX = {"HX-Request": "true"}


def _check_in(client, data):
    return client.post_form("/lobby/check-ins", data, page="/lobby/", headers=HX)


def _count(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count(CheckIn.id)))


def test_the_same_customer_twice_a_day_is_warned_and_may_be_checked_in_deliberately(
    app, db, client, login_as, branch
):
    """The second check-in shows the first (ticket and time) and saves nothing until the lobby
    manager confirms."""
    customer = make_customer(branch, name="钱多多", mobile="13912345678")
    login_as(Role.LOBBY_MANAGER)
    _check_in(client, {"first_need": "wealth", "customer_id": customer.id})
    page = text_of(_check_in(client, {"first_need": "deposit", "customer_id": customer.id}))
    assert _count(app) == 1
    assert "今天已登记过" in page and "1号" in page and "仍要登记" in page
    assert "钱多多" in page  # the customer stays chosen
    again = _check_in(
        client, {"first_need": "deposit", "customer_id": customer.id, "repeat_ok": "y"}
    )
    assert _count(app) == 2 and "2号" in text_of(again)


def test_a_walk_in_waiting_past_the_branch_limit_is_marked_on_the_board(
    app, db, client, login_as, branch
):
    """Default 15 minutes: a walk-in waiting 20 is marked, one waiting 5 is not."""
    lobby = login_as(Role.LOBBY_MANAGER)
    with app.app_context():
        staff = _db.session.merge(lobby)
        now = timeutil.now_naive()
        old = check_in_visitor(staff=staff, first_need=Need.DEPOSIT)
        old.created_at = now - timedelta(minutes=20)
        fresh = check_in_visitor(staff=staff, first_need=Need.ENQUIRY)
        fresh.created_at = now - timedelta(minutes=5)
        _db.session.commit()
        old_id, fresh_id = old.id, fresh.id
    html = client.get("/lobby/rows", headers=HX).get_data(as_text=True)
    rows = {int(part.split('"')[0]): part for part in html.split('id="visit-')[1:]}
    assert "等候超时" in text_of_html(rows[old_id]) and "visit--late" in html
    assert "等候超时" not in text_of_html(rows[fresh_id])


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _band_chips(html: str) -> list[tuple[str, str]]:
    """(value, label) of the amount band chips, in order."""
    return re.findall(r'name="amount_band" value="([^"]*)"[^>]*><span>([^<]*)</span>', html)


def _band_chips(html: str) -> list[tuple[str, str]]:
    """(value, label) of the amount band chips, in order."""
    return re.findall(r'name="amount_band" value="([^"]*)"[^>]*><span>([^<]*)</span>', html)


def test_the_wait_limit_is_a_branch_setting_the_manager_edits(app, db, client, login_as, branch):
    """On the branch's criteria page, with the other branch settings."""
    login_as(Role.BRANCH_MANAGER)
    data = {"large_transaction_on": "y", "large_transaction_yuan": "50000", "featured_interest_on": "y",
            "account_flow_on": "y", "account_flow_yuan": "100000", "simple_products": "网上银行",
            "accept_minutes": "10", "wait_minutes": "25"}  # fmt: skip
    assert "等候超过" in text_of(client.get("/referrals/criteria"))
    client.post_form("/referrals/criteria", data, follow_redirects=True)
    with app.app_context():
        assert criteria_for(branch.id).wait_minutes == 25


def test_amount_bands_follow_the_branchs_threshold_and_show_as_bands(
    app, db, client, login_as, branch
):
    """Threshold 80,000: the bands are 8万以下 / 8万–10万 / 10万–80万 / 80万以上; the band from 8万
    meets the rule and is shown as 8万–10万 on the board and on the referral form, never as an
    exact ¥80,000.00."""
    login_as(Role.BRANCH_MANAGER)
    data = {"large_transaction_on": "y", "large_transaction_yuan": "80000", "featured_interest_on": "y",
            "account_flow_on": "y", "account_flow_yuan": "100000", "simple_products": "网上银行",
            "accept_minutes": "10", "wait_minutes": "15"}  # fmt: skip
    client.post_form("/referrals/criteria", data)
    login_as(Role.LOBBY_MANAGER)
    board = client.get("/lobby/")
    html = board.get_data(as_text=True)
    chips = _band_chips(html)
    assert [label for _value, label in chips] == ["8万以下", "8万–10万", "10万–80万", "80万以上"]
    value = chips[1][0]
    page = text_of(_check_in(client, {"first_need": "deposit", "amount_band": value}))
    assert "单笔存取转汇" in page
    rows = text_of(client.get("/lobby/rows", headers=HX))
    assert "8万–10万" in rows and "¥80,000.00" not in rows
    with app.app_context():
        visit_id = _db.session.scalar(select(CheckIn.id))
    refer_page = text_of(client.get(f"/referrals/new?check_in={visit_id}"))
    assert "8万–10万" in refer_page and "¥80,000.00" not in refer_page


def test_a_band_meets_a_threshold_only_when_its_whole_range_is_at_or_above_it(
    app, db, client, login_as, branch
):
    """A 5万–10万 band recorded before the threshold rose to 8万 no longer meets the rule."""
    lobby = login_as(Role.LOBBY_MANAGER)
    html = client.get("/lobby/").get_data(as_text=True)
    value = _band_chips(html)[1][0]
    assert "单笔存取转汇" in text_of(
        _check_in(client, {"first_need": "deposit", "amount_band": value})
    )
    with app.app_context():
        criteria = criteria_for(branch.id)
        criteria.large_transaction_fen = 80_000_00
        _db.session.add(criteria)
        _db.session.commit()
        visit_id = _db.session.scalar(select(CheckIn.id))
    assert lobby and "单笔存取转汇" not in text_of(
        client.get(f"/referrals/new?check_in={visit_id}")
    )
