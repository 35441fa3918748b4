"""Issue 19, items 3 and 6: a closed referral frees its receiver, the serving person ends
serving herself, reassigning keeps the referral's time, a callback is overdue only after its
time, the callback phone comes from the chosen customer, and a board row uses one word."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import section_text, text_of
from tests.factories import make_branch
from tests.referrals.conftest import refer
from webapp import timeutil
from webapp.auth.models import Role
from webapp.customers.models import Customer
from webapp.extensions import db as _db
from webapp.lobby.models import CheckIn, Need, VisitState
from webapp.lobby.services import check_in_visitor
from webapp.referrals import queries, services
from webapp.referrals.models import Referral
from webapp.sales.models import ProductCategory


def _walk_in_accepted(team):
    """A walk-in checked in, referred to the wealth manager, and accepted (she serves it)."""
    visit = check_in_visitor(
        staff=team.get("lobby"), first_need=Need.WEALTH, customer_id=team.customer
    )
    referral = refer(team, check_in=visit)
    services.accept(referral, team.get("wealth"))
    _db.session.commit()
    return visit, referral


def _status(team, name="wealth") -> str:
    return dict((s.id, st) for s, st in queries.receiver_statuses(team.get("lobby").branch_id))[
        getattr(team, name)
    ]


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_closing_a_referral_frees_the_receiver_for_the_next_one(app, db, team, outcome):
    """Won or lost: the walk-in is 办结 and the receiver free; the next referral goes to her
    without a callback or 'refer anyway'."""
    with app.test_request_context():
        visit, referral = _walk_in_accepted(team)
        assert _status(team) == "serving"
        wealth = team.get("wealth")
        if outcome == "won":
            services.win(referral, wealth, category=ProductCategory.WEALTH_MANAGEMENT,
                         product="稳健理财90天", amount_fen=60_000_00)  # fmt: skip
        else:
            services.lose(referral, wealth, "客户再考虑")
        _db.session.commit()
        visit = _db.session.get(CheckIn, visit.id)
        assert visit.state is VisitState.DONE and visit.done_at is not None
        assert _status(team) == "free"
        nxt = refer(team, receiver="wealth")  # would raise ReceiverBusy while she serves
        assert nxt.receiver_id == team.wealth


def test_the_serving_wealth_manager_ends_serving_from_today(app, db, client, team, login_as):
    """Her Today panel lists the walk-in she serves with 办结; tapping it frees her."""
    with app.test_request_context():
        visit, _referral = _walk_in_accepted(team)
        visit_id = visit.id
    login_as(_staff(app, team))
    panel = section_text(client.get("/today"), "referral-inbox")
    assert "办结" in panel and "钱多多" in panel
    response = client.post_form(f"/lobby/check-ins/{visit_id}/finish", {}, page="/settings")
    assert response.status_code == 302
    with app.app_context():
        assert _db.session.get(CheckIn, visit_id).state is VisitState.DONE
        assert _status(team) == "free"


def test_the_customer_rates_the_service_on_the_servers_phone(app, db, client, team, login_as):
    """Ended from her Today, the walk-in asks 您对本次服务满意吗 there (the customer is with her, not at
    the lobby board); one tap records it, and then the question goes. A colleague may not rate
    it, and a visit still being served cannot be rated."""
    from webapp.lobby.models import Rating

    with app.test_request_context():
        visit, _referral = _walk_in_accepted(team)
        visit_id = visit.id
    login_as(_staff(app, team))
    early = client.post_form(
        f"/lobby/check-ins/{visit_id}/rating", {"rating": "satisfied"}, page="/today"
    )
    assert early.status_code == 400
    client.post_form(f"/lobby/check-ins/{visit_id}/finish", {}, page="/today")
    today = text_of(client.get("/today"))
    assert "您对本次服务满意吗？" in today and "钱多多" in today and "满意" in today
    login_as(_staff(app, team, "wealth2"))
    refused = client.post_form(
        f"/lobby/check-ins/{visit_id}/rating",
        {"rating": "unsatisfied", "reason": "wait"},
        page="/today",
    )
    assert refused.status_code == 403
    login_as(_staff(app, team))
    rated = client.post_form(
        f"/lobby/check-ins/{visit_id}/rating", {"rating": "satisfied"}, page="/today"
    )
    assert rated.status_code == 302
    with app.app_context():
        assert _db.session.get(CheckIn, visit_id).rating is Rating.SATISFIED
    assert "您对本次服务满意吗？" not in text_of(client.get("/today"))


def _staff(app, team, name="wealth"):
    with app.app_context():
        staff = team.get(name)
        _db.session.expunge(staff)
        return staff


def test_only_the_server_or_the_lobby_ends_a_visit(app, db, client, team, login_as):
    """Another wealth manager cannot end a colleague's serving."""
    with app.test_request_context():
        visit, _referral = _walk_in_accepted(team)
        visit_id = visit.id
    login_as(_staff(app, team, "wealth2"))
    response = client.post_form(f"/lobby/check-ins/{visit_id}/finish", {}, page="/settings")
    assert response.status_code == 403
    with app.app_context():
        assert _db.session.get(CheckIn, visit_id).state is VisitState.SERVING


def test_reassigning_keeps_the_referral_time_and_confirms(app, db, client, team, login_as):
    """The ledger day stays; the reassignment has its own time and a confirmation is shown."""
    with app.test_request_context():
        referral = refer(team)
        earlier = timeutil.now_naive() - timedelta(days=2)
        referral.created_at = earlier
        _db.session.commit()
        referral_id = referral.id
    login_as(_staff(app, team, "manager"))
    response = client.post_form(
        f"/referrals/{referral_id}/reassign", {"receiver_id": team.wealth2},
        page=f"/referrals/{referral_id}", follow_redirects=True,
    )  # fmt: skip
    assert "已改派给陈思远" in text_of(response)
    with app.app_context():
        referral = _db.session.get(Referral, referral_id)
        assert referral.created_at == earlier and referral.receiver_id == team.wealth2
        assert referral.reassigned_at is not None and referral.reassigned_at > earlier
        # Overdue counts from the reassignment: the new receiver has her full minutes.
        assert (
            queries.waiting_for(_db.session.get(type(team.get("wealth2")), team.wealth2))[0].overdue
            is False
        )


def test_a_callback_later_is_not_overdue_and_the_badge_says_what_is_late(
    app, db, client, team, login_as
):
    """A referral asking for a callback in two hours is not 'not accepted in time' now; one
    not accepted 20 minutes after it was sent is, and the badge says so."""
    with app.test_request_context():
        now = timeutil.now_naive()
        later = refer(team, callback_contact="13912345678", callback_at=now + timedelta(hours=2))
        late = refer(team, receiver="wealth", allow_busy=True)
        late.created_at = now - timedelta(minutes=20)
        later.created_at = now - timedelta(minutes=20)
        _db.session.commit()
    login_as(_staff(app, team))
    page = section_text(client.get("/today"), "referral-inbox")
    assert page.count("超时未接收") == 1
    assert "已逾期" not in page
    assert "约定回电" in page


def test_the_callback_phone_is_the_chosen_customers_when_left_empty(
    app, db, client, team, login_as
):
    """A chosen customer's mobile is the callback contact: no retyping."""
    login_as(_staff(app, team, "lobby"))
    with app.app_context():
        when = timeutil.utc_to_local(timeutil.now_naive()) + timedelta(hours=2)
    when = when.strftime("%Y-%m-%dT%H:%M")
    response = client.post_form(
        "/referrals/new",
        {"customer_id": team.customer, "need": "wealth", "receiver_id": team.wealth,
         "callback_at": when},
        page="/referrals/new",
    )  # fmt: skip
    assert response.status_code == 302, text_of(response)
    with app.app_context():
        referral = _db.session.scalar(select(Referral))
        assert referral.callback_contact == _db.session.get(Customer, team.customer).mobile


def test_a_referred_board_row_says_zhuanjie_only(app, db, client, team, login_as):
    """The state badge and the link of a referred row use the same word (转介)."""
    with app.test_request_context():
        visit = check_in_visitor(staff=team.get("lobby"), first_need=Need.WEALTH,
                                 customer_id=team.customer)  # fmt: skip
        refer(team, check_in=visit)
    login_as(_staff(app, team, "lobby"))
    row = text_of(client.get("/lobby/rows", headers={"HX-Request": "true"}))
    assert "转介" in row and "引见" not in row


def test_the_region_table_lists_branches_not_the_region_itself(app, db, client, login_as):
    """The 管辖行 where the administrator sits is not one of its branches."""
    region = make_branch("浦东管辖行")
    make_branch("张江支行", parent=region)
    login_as(Role.ADMIN, branch=region)
    html = client.get("/region").get_data(as_text=True)
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "张江支行" in table and "浦东管辖行" not in table
