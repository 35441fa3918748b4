"""Branch action plans: who, when, what, expected effect; shown on the dashboard until closed."""

import re

from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_staff
from webapp.auth.models import Role
from webapp.coaching.models import ActionPlan, PlanStatus


def test_plan_is_on_the_dashboard_until_closed(app, db, branch, client, login_as):
    """Create, see it on the dashboard, close it with a result, and it leaves the dashboard."""
    owner = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    login_as(Role.BRANCH_MANAGER, locale="en")
    client.post_form(
        "/coaching/action-plans/",
        {
            "owner_id": str(owner.id),
            "due_on": "2026-12-05",
            "what": "周末理财沙龙",
            "expected_effect": "成交500万",
        },
    )
    with app.app_context():
        plan = db.session.scalar(select(ActionPlan))
        assert (plan.owner_id, plan.what, plan.status) == (
            owner.id,
            "周末理财沙龙",
            PlanStatus.OPEN,
        )
        plan_id = plan.id
    dashboard = text_of(client.get("/dashboard"))
    # Listed among the open plans; not started, so not counted as in progress.
    assert "周末理财沙龙" in dashboard and "Action plans in progress 0" in dashboard
    client.post_form(
        f"/coaching/action-plans/{plan_id}", {"status": "closed", "result": "成交620万"}
    )
    with app.app_context():
        plan = db.session.get(ActionPlan, plan_id)
        assert plan.status == PlanStatus.CLOSED and plan.result == "成交620万" and plan.closed_at
    dashboard = text_of(client.get("/dashboard"))
    assert "周末理财沙龙" not in dashboard and "Action plans in progress 0" in dashboard
    assert "成交620万" in text_of(client.get("/coaching/action-plans/"))


def test_incomplete_plan_gets_messages(app, db, branch, client, login_as):
    """Missing what and effect are refused beside the fields."""
    owner = make_staff(Role.TELLER, branch)
    login_as(Role.BRANCH_MANAGER, locale="en")
    response = client.post_form(
        "/coaching/action-plans/",
        {"owner_id": str(owner.id), "due_on": "", "what": "", "expected_effect": ""},
    )
    html = response.get_data(as_text=True)
    assert "Say what will be done." in html and "Say what effect is expected." in html
    assert "Pick a date." in html
    with app.app_context():
        assert db.session.scalar(select(ActionPlan)) is None


def test_action_plans_are_the_managers(app, db, branch, client, login_as):
    """Staff and the administrator are refused; another branch's plan is a 404."""
    for role in (Role.WEALTH_MANAGER, Role.LOBBY_MANAGER, Role.ADMIN):
        login_as(role)
        assert client.get("/coaching/action-plans/").status_code == 403


def _plan_for(client, owner, **over):
    data = {
        "owner_id": str(owner.id),
        "due_on": "2026-12-20",
        "what": "每天引见两位客户",
        "expected_effect": "每周引见10位",
        "metric": "referrals_given",
    }
    return client.post_form("/coaching/action-plans/", data | over)


def test_a_plan_reaches_the_person_it_names(app, db, branch, client, login_as):
    """The teller named in a plan sees it on Today, opens it and records progress; the plan is
    then in progress. A colleague cannot open it; the teller cannot close it."""
    teller = make_staff(Role.TELLER, branch, name="王柜员")
    login_as(Role.BRANCH_MANAGER, locale="en")
    _plan_for(client, teller)
    with app.app_context():
        plan_id = db.session.scalar(select(ActionPlan.id))
    login_as(teller)
    today = text_of(client.get("/today"))
    assert "我的行动计划 每天引见两位客户" in today
    page = client.get(f"/coaching/action-plans/{plan_id}")
    assert page.status_code == 200
    response = client.post_form(
        f"/coaching/action-plans/{plan_id}/notes",
        {"note": "本周已引见6位"},
        page=f"/coaching/action-plans/{plan_id}",
    )
    assert response.status_code == 303
    assert "本周已引见6位" in text_of(client.get(f"/coaching/action-plans/{plan_id}"))
    empty = client.post_form(
        f"/coaching/action-plans/{plan_id}/notes",
        {"note": " "},
        page=f"/coaching/action-plans/{plan_id}",
    )
    assert empty.status_code == 400 and 'id="note-error"' in empty.get_data(as_text=True)
    closing = client.post_form(
        f"/coaching/action-plans/{plan_id}",
        {"status": "closed", "result": "x"},
        page=f"/coaching/action-plans/{plan_id}",
    )
    assert closing.status_code == 403
    with app.app_context():
        plan = db.session.get(ActionPlan, plan_id)
        assert plan.status == PlanStatus.IN_PROGRESS
        assert [n.note for n in plan.notes] == ["本周已引见6位"]
    login_as(Role.TELLER)
    refused = client.get(f"/coaching/action-plans/{plan_id}")
    assert refused.status_code == 403
    # Refused because the plan does not name them, not because of their role (a teller's own
    # plan opens): the page says so.
    assert "这份行动计划没有列出您" in text_of(refused)
    assert "您的岗位无权访问此页面" not in text_of(refused)


def test_a_plans_effect_is_read_from_the_records(app, db, branch, client, login_as):
    """Tied to referrals given: the plan page and the monthly report show the same weekly rates
    before (4 in 28 days: 1.0), during (6 in 14 days: 3.0) and after the plan (not begun)."""
    from datetime import datetime, timedelta

    from tests.factories import make_customer
    from webapp.lobby.models import Need
    from webapp.referrals.models import Referral
    from webapp.timeutil import local_to_utc, local_today

    teller = make_staff(Role.TELLER, branch)
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch)
    with app.app_context():
        today = local_today()
    started, due = today - timedelta(days=13), today + timedelta(days=10)
    login_as(Role.BRANCH_MANAGER, locale="en")
    _plan_for(client, teller, due_on=due.isoformat())
    with app.app_context():
        plan = db.session.scalar(select(ActionPlan))
        plan.created_at = local_to_utc(datetime.combine(started, datetime.min.time()))
        days = [started - timedelta(days=d) for d in (1, 8, 20, 27, 29)]  # the 29th is outside
        days += [started + timedelta(days=d) for d in (0, 1, 2, 5, 9, 13)]
        for day in days:
            db.session.add(
                Referral(
                    branch_id=branch.id,
                    referrer_id=teller.id,
                    receiver_id=wealth.id,
                    customer_id=customer.id,
                    need=Need.WEALTH,
                    referred_on=day,
                    created_at=local_to_utc(datetime.combine(day, datetime.min.time()))
                    + timedelta(hours=3),
                )
            )
        db.session.commit()
        plan_id = plan.id

    def rates(html):
        return dict(re.findall(r'data-effect="(\w+)">([^<]*)<', html))

    page = rates(client.get(f"/coaching/action-plans/{plan_id}").get_data(as_text=True))
    assert page == {"before": "1.0 ", "during": "3.0 ", "after": ""}
    month = client.get(
        f"/coaching/action-plans/month?month={due:%Y-%m}", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert rates(month) == page and "每天引见两位客户" in month
    report = client.get(f"/reports/monthly?month={due:%Y-%m}").get_data(as_text=True)
    assert f"/coaching/action-plans/month?month={due:%Y-%m}" in report


def test_a_template_prefills_the_plan(app, db, branch, client, login_as):
    """A seed template fills what, effect and the figure; the manager only picks who and when."""
    login_as(Role.BRANCH_MANAGER)
    html = client.get("/coaching/action-plans/?template=market").get_data(as_text=True)
    assert '<option selected value="visits_made">' in html
    assert 'value="每周跑市场两次，每次拜访八户商铺或小微企业，带上销售包"' in html
