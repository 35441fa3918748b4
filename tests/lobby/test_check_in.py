"""Lobby check-in on the tablet, the board fragment, the counter, and access."""

import re

from sqlalchemy import func, select

from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_staff
from webapp.auth.models import Role
from webapp.customers.models import Customer
from webapp.lobby.models import CheckIn, Desk, Need, VisitState

HX = {"HX-Request": "true"}


def _check_in(client, data, **kwargs):
    return client.post_form("/lobby/check-ins", data, page="/lobby/", **kwargs)


def test_walk_in_with_a_large_deposit_is_checked_in_and_a_referral_proposed(
    app, db, client, login_as
):
    """A 60,000 deposit meets the 50,000 rule: the panel names the rule and offers to refer."""
    login_as(Role.LOBBY_MANAGER)
    response = _check_in(client, {"first_need": "deposit", "amount_yuan": "60000"}, headers=HX)
    page = text_of(response)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert "Checked in: #1" in page or "已登记" in page
    assert "单笔存取转汇" in page  # the rule's name, in the bank's words
    assert response.headers["HX-Trigger"] == "check-in-saved"
    with app.app_context():
        visit = db.session.scalar(select(CheckIn))
        assert visit.first_need is Need.DEPOSIT and visit.amount_fen == 60_000_00
        assert visit.customer_id is None and visit.state is VisitState.WAITING
        assert visit.ticket == 1 and visit.desk is Desk.LOBBY


def test_a_small_e_banking_visit_proposes_nothing_and_lists_simple_products(client, login_as):
    """Mobile banking is a simple product: no referral, and the screen says why."""
    login_as(Role.LOBBY_MANAGER)
    page = text_of(
        _check_in(client, {"first_need": "e_banking", "amount_band": "0-5000000"}, headers=HX)
    )
    assert "未达到转介标准" in page and "手机银行" in page
    assert "单笔存取转汇" not in page


def test_check_in_an_existing_customer_found_by_mobile_tail(app, db, client, login_as, branch):
    """The last four digits find the customer; choosing them links the visit."""
    customer = make_customer(branch, name="钱多多", mobile="13912345678")
    login_as(Role.LOBBY_MANAGER)
    options = client.get("/customers/picker?q=5678", headers=HX)
    assert "钱多多" in text_of(options) and "139****5678" in text_of(options)
    assert "13912345678" not in options.get_data(as_text=True)
    _check_in(client, {"first_need": "wealth", "customer_id": customer.id}, headers=HX)
    with app.app_context():
        assert db.session.scalar(select(CheckIn.customer_id)) == customer.id


def test_new_customer_created_at_check_in_and_a_duplicate_offers_the_existing_one(
    app, db, client, login_as, branch
):
    """A new name + mobile creates the customer; the same mobile again selects the existing one."""
    login_as(Role.LOBBY_MANAGER)
    _check_in(
        client,
        {"first_need": "card", "new_name": "新客户甲", "new_mobile": "138 0013 8000"},
        headers=HX,
    )
    response = _check_in(
        client, {"first_need": "card", "new_name": "别名", "new_mobile": "13800138000"}, headers=HX
    )
    html = response.get_data(as_text=True)
    assert "新客户甲" in text_of(response) and "field__error" in html
    assert 'name="customer_id" value="' in html and "checked" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Customer.id))) == 1
        assert db.session.scalar(select(func.count(CheckIn.id))) == 1
        assert db.session.scalar(select(Customer.mobile)) == "13800138000"
        # The walk-in is that customer on the board and in the referral: the new customer has
        # its id before the check-in takes it.
        assert db.session.scalar(select(CheckIn.customer_id)) == db.session.scalar(
            select(Customer.id)
        )


def test_bad_input_is_shown_beside_the_field_and_kept(app, db, client, login_as):
    """No first need, a bad mobile: 200 with messages, typed values kept, nothing saved."""
    login_as(Role.LOBBY_MANAGER)
    response = _check_in(
        client, {"new_name": "张三", "new_mobile": "12345", "amount_yuan": "-5"}, headers=HX
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "请点选客户的首要需求" in page and "请输入11位手机号码" in page
    assert 'value="张三"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_board_rows_fragment_and_serve_then_done(app, db, client, login_as):
    """The polled fragment lists today's walk-ins; serve and done change the state shown."""
    me = login_as(Role.LOBBY_MANAGER, name="孙婷婷")
    _check_in(client, {"first_need": "loan"}, headers=HX)
    rows = client.get("/lobby/rows", headers=HX)
    assert "<html" not in rows.get_data(as_text=True) and "贷款" in text_of(rows)
    with app.app_context():
        visit_id = db.session.scalar(select(CheckIn.id))
    served = client.post_form(f"/lobby/check-ins/{visit_id}/serve", {}, page="/lobby/", headers=HX)
    assert "办理中" in text_of(served) and "孙婷婷" in text_of(served)
    client.post_form(f"/lobby/check-ins/{visit_id}/done", {}, page="/lobby/", headers=HX)
    with app.app_context():
        visit = db.session.get(CheckIn, visit_id)
        assert visit.state is VisitState.DONE and visit.served_by_id == me.id and visit.done_at


def test_teller_entry_at_the_counter_is_already_being_served(app, db, client, login_as):
    """The same short form at the counter: the teller is serving the customer."""
    teller = login_as(Role.TELLER)
    page = client.get("/lobby/").get_data(as_text=True)
    assert 'name="desk" type="hidden" value="counter"' in page
    _check_in(
        client, {"first_need": "transfer", "amount_yuan": "80000", "desk": "counter"}, headers=HX
    )
    with app.app_context():
        visit = db.session.scalar(select(CheckIn))
        assert visit.desk is Desk.COUNTER and visit.state is VisitState.SERVING
        assert visit.served_by_id == teller.id


def test_lobby_is_closed_to_sellers_and_other_branches(app, db, client, login_as, branch):
    """A wealth manager cannot check in; a check-in of another branch is not found."""
    other = make_branch("张江支行")
    lobby = make_staff(Role.LOBBY_MANAGER, other)
    with app.app_context():
        from webapp.auth.models import Staff
        from webapp.lobby.services import check_in_visitor

        theirs = check_in_visitor(staff=db.session.get(Staff, lobby.id), first_need=Need.CARD).id
    login_as(Role.WEALTH_MANAGER)
    assert client.get("/lobby/").status_code == 403
    assert client.get("/lobby/rows").status_code == 403
    login_as(Role.LOBBY_MANAGER)
    assert (
        client.post_form(f"/lobby/check-ins/{theirs}/serve", {}, page="/lobby/").status_code == 404
    )
    assert "卡" not in text_of(client.get("/lobby/rows", headers=HX))


def test_clear_intent_at_check_in_proposes_a_hot_referral(client, login_as):
    """Said yes to a one-line pitch: even an enquiry is proposed, and the link refers it hot."""
    login_as(Role.LOBBY_MANAGER)
    response = _check_in(client, {"first_need": "enquiry", "clear_intent": "y"}, headers=HX)
    assert "一句话营销后意向明确" in text_of(response)
    assert "hot=1" in response.get_data(as_text=True)
    form = client.get("/referrals/new?check_in=1&hot=1").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="hot"', form)


def test_searching_again_keeps_the_customer_already_chosen(client, login_as, branch):
    """The chosen customer stays selected while the lobby manager searches for another."""
    chosen = make_customer(branch, name="已选客户")
    make_customer(branch, name="别的客户", mobile="13700005678")
    login_as(Role.LOBBY_MANAGER)
    html = client.get(f"/customers/picker?q=5678&customer_id={chosen.id}", headers=HX).get_data(
        as_text=True
    )
    assert f'value="{chosen.id}" checked' in html and "别的客户" in html
