"""Referrals: signals, the lifecycle with its history, special cases, overdue, access."""

from datetime import datetime, timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from tests.conftest import section_text, text_of
from tests.factories import make_branch, make_staff
from tests.referrals.conftest import refer
from webapp import signals
from webapp.auth.models import Role
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.lobby.models import CheckIn, Need, VisitState
from webapp.lobby.services import check_in_visitor, start_serving
from webapp.referrals import services
from webapp.referrals.models import Referral, Rule, State


@pytest.fixture
def received():
    """Collect (signal name, attributes) of every referral signal sent during the test."""
    seen = []

    def listener(name):
        def on(referral, **_):
            from webapp.extensions import db

            seen.append((name, {
                "id": referral.id, "branch_id": referral.branch_id, "receiver_id": referral.receiver_id,
                "referrer": referral.referrer.name, "customer": referral.customer.name,
                "masked": referral.customer.masked_mobile, "need_label": referral.need_label,
                "created_at": referral.created_at, "url": url_for("referrals.detail", referral_id=referral.id),
                "pending": db.session().in_transaction(),
            }))  # fmt: skip

        return on

    handlers = {
        s: listener(s.name)
        for s in (signals.referral_sent, signals.referral_accepted, signals.referral_overdue)
    }
    for signal, handler in handlers.items():
        signal.connect(handler)
    yield seen
    for signal, handler in handlers.items():
        signal.disconnect(handler)


def test_referral_sent_and_accepted_signals_carry_the_documented_attributes(
    app, db, team, received
):
    """Listeners get id, branch, receiver, referrer, customer, need label, time and the URL."""
    with app.test_request_context():
        referral = refer(team)
        services.accept(referral, team.get("wealth"))
    (name, sent), (name2, _accepted) = received
    assert name == "referral-sent" and name2 == "referral-accepted"
    assert sent["receiver_id"] == team.wealth and sent["referrer"] == "孙婷婷"
    assert sent["customer"] == "钱多多" and sent["masked"] == "139****5678"
    assert sent["need_label"] and isinstance(sent["created_at"], datetime)
    assert sent["url"] == f"/referrals/{sent['id']}" and sent["pending"] is True


def test_lifecycle_is_timestamped_and_attributed(app, db, team):
    """referred → accepted → contacted → met → lost, each step in the history with who and why."""
    with app.test_request_context():
        referral = refer(team)
        wealth = team.get("wealth")
        services.accept(referral, wealth)
        services.advance(referral, wealth, State.CONTACTED)
        services.advance(referral, wealth, State.MET)
        with pytest.raises(services.ReferralError):
            services.lose(referral, wealth, "  ")
        services.lose(referral, wealth, "客户已在他行购买")
        steps = [(e.action, e.by.name if e.by else None, e.note) for e in referral.events]
        assert steps == [("referred", "孙婷婷", ""), ("accepted", "林晓燕", ""), ("contacted", "林晓燕", ""),
                         ("met", "林晓燕", ""), ("lost", "林晓燕", "客户已在他行购买")]  # fmt: skip
        assert all(e.at for e in referral.events) and referral.closed_at and referral.reason


def test_only_the_receiver_acts_and_states_move_forward_only(app, db, team):
    """Another colleague cannot accept; a lost referral cannot be won; decline needs a reason."""
    with app.test_request_context():
        referral = refer(team)
        with pytest.raises(services.ReferralError):
            services.accept(referral, team.get("wealth2"))
        with pytest.raises(services.ReferralError):
            services.advance(referral, team.get("wealth"), State.MET)  # not accepted yet
        with pytest.raises(services.ReferralError):
            services.decline(referral, team.get("wealth"), "")
        services.decline(referral, team.get("wealth"), "简单业务，无需转介")
        assert referral.state is State.DECLINED


def test_receiver_from_another_branch_or_oneself_is_refused(app, db, team):
    """Clear errors, no row."""
    other = make_staff(Role.WEALTH_MANAGER, make_branch("张江支行"))
    with app.test_request_context():
        from webapp.auth.models import Staff
        from webapp.extensions import db as _db

        with pytest.raises(services.ReferralError, match="其他网点"):
            services.create_referral(
                referrer=team.get("lobby"), receiver=_db.session.get(Staff, other.id),
                customer=_db.session.get(Customer, team.customer), need=Need.WEALTH,
            )  # fmt: skip
        with pytest.raises(services.ReferralError):
            refer(team, referrer="wealth", receiver="wealth")
        assert _db.session.scalar(select(func.count(Referral.id))) == 0


def test_busy_receiver_offers_a_free_colleague(app, db, team):
    """Special case 1: the wealth manager is serving; the error names the free colleague."""
    with app.test_request_context():
        visit = check_in_visitor(staff=team.get("lobby"), first_need=Need.WEALTH)
        start_serving(visit, team.get("wealth"))
        with pytest.raises(services.ReceiverBusy) as busy:
            refer(team)
        assert "陈思远" in [s.name for s in busy.value.free]
        assert "林晓燕" not in [s.name for s in busy.value.free]


def test_busy_receiver_gets_a_callback_request_they_can_see(app, db, client, login_as, team):
    """Special cases 1 and 3: a callback with contact and preferred time, shown to the receiver."""
    with app.test_request_context():
        start_serving(
            check_in_visitor(staff=team.get("lobby"), first_need=Need.WEALTH), team.get("wealth")
        )
        db.session.commit()
    login_as(_staff(app, team.lobby))
    form = {"customer_id": team.customer, "need": "wealth", "receiver_id": team.wealth}
    busy = client.post_form("/referrals/new", form)
    assert "正在接待客户" in text_of(busy) and "陈思远" in text_of(busy)
    form.update(callback_contact="13912345678 下午", callback_at="2026-12-01T15:30")
    client.post_form("/referrals/new", form, page="/referrals/new")
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        assert referral.callback_requested and referral.callback_contact == "13912345678 下午"
        assert referral.callback_at == datetime(2026, 12, 1, 7, 30)  # 15:30 in Shanghai, stored UTC
    login_as(_staff(app, team.wealth))
    panel = section_text(client.get("/today"), "referral-inbox")
    assert "钱多多" in panel and "回电" in panel


def test_in_a_hurry_needs_both_contact_and_time(app, db, team):
    """Special case 3: a callback without the time (or the contact) is refused."""
    with app.test_request_context():
        with pytest.raises(services.ReferralError):
            refer(team, callback_contact="13912345678")
        with pytest.raises(services.ReferralError):
            refer(team, callback_at=datetime(2026, 12, 1, 7, 30))


def test_customer_already_said_yes_is_referred_at_once_and_hot(app, db, client, login_as, team):
    """Special case 2: the hot box refers at once, the rule is clear intent, the receiver sees Hot."""
    login_as(_staff(app, team.teller))
    form = {
        "customer_id": team.customer,
        "need": "featured",
        "receiver_id": team.wealth,
        "hot": "y",
    }
    response = client.post_form("/referrals/new", form, follow_redirects=True)
    assert "意向明确" in text_of(response)
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        assert referral.hot and referral.rule is Rule.CLEAR_INTENT


def test_referral_from_a_check_in_names_the_rule_and_marks_the_visit(
    app, db, client, login_as, team
):
    """The check-in's 60,000 deposit is the rule; an anonymous walk-in needs a name to be referred."""
    lobby = _staff(app, team.lobby)
    login_as(lobby)
    client.post_form(
        "/lobby/check-ins", {"first_need": "deposit", "amount_yuan": "60000"}, page="/lobby/"
    )
    with app.app_context():
        visit_id = db.session.scalar(select(CheckIn.id))
    page = client.get(f"/referrals/new?check_in={visit_id}")
    assert "单笔存取转汇" in text_of(page)
    form = {"check_in_id": visit_id, "need": "deposit", "receiver_id": team.wealth}
    missing = client.post_form("/referrals/new", form, page=f"/referrals/new?check_in={visit_id}")
    assert "请选择客户或登记新客户" in text_of(missing)
    form.update(new_name="刘先生", new_mobile="13700001111")
    client.post_form("/referrals/new", form, page=f"/referrals/new?check_in={visit_id}")
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        visit = db.session.get(CheckIn, visit_id)
        assert referral.rule is Rule.LARGE_TRANSACTION and referral.check_in_id == visit_id
        assert visit.state is VisitState.REFERRED and visit.customer.name == "刘先生"


def test_accepting_takes_over_the_walk_in(app, db, team):
    """Once accepted, the lobby board shows the walk-in being served by the receiver."""
    with app.test_request_context():
        visit = check_in_visitor(staff=team.get("lobby"), first_need=Need.WEALTH)
        referral = refer(team, check_in=visit)
        services.accept(referral, team.get("wealth"))
        assert visit.state is VisitState.SERVING and visit.served_by_id == team.wealth


def test_accepting_a_customer_nobody_owns_makes_them_the_receivers(app, db, team):
    """Issue 19, item 1: a walk-in typed as a new customer at the lobby has no owner until the
    referral is accepted; then the receiver owns them (recorded as an owner change), and a
    customer who already has an owner keeps them."""
    from webapp.customers.models import ChangeKind, CustomerChange

    with app.test_request_context():
        lobby, wealth = team.get("lobby"), team.get("wealth")
        walk_in = Customer(
            branch_id=lobby.branch_id,
            kind=CustomerKind.INDIVIDUAL,
            name="韦新客",
            mobile="19900007777",
        )
        db.session.add(walk_in)
        db.session.flush()
        visit = check_in_visitor(staff=lobby, first_need=Need.WEALTH, customer_id=walk_in.id)
        new = services.create_referral(
            referrer=lobby, receiver=wealth, customer=walk_in, need=Need.WEALTH, check_in=visit
        )
        assert walk_in.owner_id is None
        services.accept(new, wealth)
        known = db.session.get(Customer, team.customer)
        known.owner_id = team.wealth2
        other = refer(team, allow_busy=True)  # she is serving the walk-in
        services.accept(other, wealth)
        db.session.commit()
        assert db.session.get(Customer, walk_in.id).owner_id == team.wealth
        assert db.session.get(Customer, team.customer).owner_id == team.wealth2
        changes = db.session.scalars(select(CustomerChange)).all()
        assert [(c.customer_id, c.kind, c.to_owner_id, c.staff_id) for c in changes] == [
            (walk_in.id, ChangeKind.OWNER, team.wealth, team.wealth)
        ]


def test_overdue_after_the_branch_limit_is_flagged_once(app, db, client, login_as, team, received):
    """Not accepted in 10 minutes: overdue to the manager, the signal sent once."""
    from webapp.referrals.tasks import notify_overdue
    from webapp.timeutil import now_naive

    with app.test_request_context():
        referral = refer(team)
        referral.created_at -= timedelta(minutes=9)
        db.session.commit()
        assert notify_overdue(now_naive()) == 0
        referral.created_at -= timedelta(minutes=2)
        db.session.commit()
        assert notify_overdue(now_naive()) == 1
        assert notify_overdue(now_naive()) == 0
    assert [n for n, _ in received] == ["referral-sent", "referral-overdue"]
    login_as(_staff(app, team.manager))
    assert "钱多多" in text_of(client.get("/referrals/?which=overdue"))


def test_external_referral_records_the_introducer_on_the_new_customer(
    app, db, client, login_as, team
):
    """A centre of influence introduces a prospect: new customer, introducer, referral."""
    login_as(_staff(app, team.wealth2))
    form = {
        "introducer": "商会李会长",
        "name": "赵老板",
        "mobile": "13611112222",
        "need": "loan",
        "receiver_id": team.wealth,
    }
    response = client.post_form("/referrals/external", form, follow_redirects=True)
    assert "商会李会长" in text_of(response)
    again = client.post_form("/referrals/external", form)
    assert "赵老板" in text_of(again) and "field__error" in again.get_data(as_text=True)
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.name == "赵老板"))
        assert (
            customer.introduced_by == "商会李会长" and customer.acquired_via is Acquisition.REFERRAL
        )
        assert db.session.scalar(select(func.count(Referral.id))) == 1
        customer_id = customer.id
    assert "引荐人 商会李会长" in text_of(client.get(f"/customers/{customer_id}"))


def test_receiver_list_shows_free_serving_and_out(app, db, client, login_as, team):
    """The refer form shows who is free, serving, or out in the field (their own switch)."""
    with app.test_request_context():
        start_serving(
            check_in_visitor(staff=team.get("lobby"), first_need=Need.WEALTH), team.get("wealth")
        )
        db.session.commit()
    login_as(_staff(app, team.wealth2))
    client.post_form("/referrals/presence", {"out": "1"}, page="/referrals/new")
    login_as(_staff(app, team.lobby))
    page = client.get("/referrals/new").get_data(as_text=True)
    assert "receiver--serving" in page and "receiver--out" in page and "receiver--free" in page
    assert "外勤中" in text_of(client.get("/referrals/new"))


def test_referral_of_another_branch_is_not_found_and_admin_cannot_refer(
    app, db, client, login_as, team
):
    """Branch scoping on the detail page; the administrator does not refer."""
    with app.test_request_context():
        referral_id = refer(team).id
    login_as(Role.WEALTH_MANAGER, branch=make_branch("徐汇支行"))
    assert client.get(f"/referrals/{referral_id}").status_code == 404
    assert (
        client.post_form(f"/referrals/{referral_id}/accept", {}, page="/referrals/").status_code
        == 404
    )
    login_as(Role.ADMIN)
    assert client.get("/referrals/new").status_code == 403


def _staff(app, staff_id):
    from webapp.auth.models import Staff
    from webapp.extensions import db

    with app.app_context():
        staff = db.session.get(Staff, staff_id)
        db.session.expunge(staff)
        return staff


def test_manager_reassigns_an_overdue_referral_and_the_credit_then_waits(app, db, team, received):
    """Reassigned: the new receiver is told, accepts, wins; the manager settles the credit."""
    with app.test_request_context():
        from webapp.referrals import criteria as policy
        from webapp.referrals.models import CreditState
        from webapp.sales.models import ProductCategory

        policy.ensure_policy(team.get("manager").branch_id, clock_today() - timedelta(days=1))
        referral = refer(team)
        with pytest.raises(services.ReferralError):
            services.reassign(referral, team.get("manager"), team.get("wealth"))
        services.reassign(referral, team.get("manager"), team.get("wealth2"))
        assert referral.receiver_id == team.wealth2 and referral.reassigned
        services.accept(referral, team.get("wealth2"))
        services.win(
            referral,
            team.get("wealth2"),
            category=ProductCategory.FUND,
            product="基金",
            amount_fen=1_000_00,
        )
        assert referral.credit_state is CreditState.PENDING
        assert [e.action for e in referral.events][-3:] == ["accepted", "won", "credit_pending"]
    assert [n for n, _ in received] == ["referral-sent", "referral-sent", "referral-accepted"]


def clock_today():
    """The branch-local date today."""
    from webapp.timeutil import local_date

    return local_date()


def test_overdue_shows_on_the_managers_panel_and_the_cron_command_flags_it(
    app, db, client, login_as, team, received
):
    """`flask referrals flag-overdue` sends the signal; the manager's Today panel lists it."""
    with app.test_request_context():
        referral = refer(team)
        referral.created_at -= timedelta(minutes=30)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["referrals", "flag-overdue"])
    assert result.exit_code == 0 and "1 referral(s) newly overdue" in result.output
    assert [n for n, _ in received] == ["referral-sent", "referral-overdue"]
    login_as(_staff(app, team.manager))
    panel = section_text(client.get("/today"), "referral-inbox")
    assert "超时未接收" in panel and "钱多多" in panel


def test_unknown_actions_are_not_found_and_bad_outcome_input_stays_on_the_page(
    app, db, client, login_as, team
):
    """A made-up action is 404; a won form without an amount shows the message beside it."""
    with app.test_request_context():
        referral = refer(team)
        services.accept(referral, team.get("wealth"))
        db.session.commit()
        referral_id = referral.id
    login_as(_staff(app, team.wealth))
    page = f"/referrals/{referral_id}"
    assert client.post_form(f"/referrals/{referral_id}/explode", {}, page=page).status_code == 404
    response = client.post_form(
        f"/referrals/{referral_id}/won",
        {"category": "fund", "product": "基金定投", "amount": ""},
        page=page,
    )
    assert response.status_code == 200 and "请输入金额" in text_of(response)
    assert 'value="基金定投"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Referral, referral_id).state is State.ACCEPTED
    login_as(_staff(app, team.lobby))
    assert client.post_form("/lobby/check-ins/1/explode", {}, page="/lobby/").status_code == 404


def test_a_referral_not_yet_accepted_reads_as_waiting_for_the_receiver(
    app, db, client, login_as, team
):
    """Its state says what happens next (待接收), not 已转介 beside its kind 内部引见, which read
    as two words for the same thing; accepted, it says 已接收."""
    with app.test_request_context():
        referral_id = refer(team).id
    login_as(_staff(app, team.lobby))
    page = text_of(client.get(f"/referrals/{referral_id}"))
    assert "待接收 内部引见" in page and "已转介 内部引见" not in page
    assert "孙婷婷 · 已转介" in page  # the history names the act
    with app.test_request_context():
        services.accept(db.session.get(Referral, referral_id), team.get("wealth"))
        db.session.commit()
    assert "已接收 内部引见" in text_of(client.get(f"/referrals/{referral_id}"))
