"""Branch action plans: who, when, what, expected effect; shown on the dashboard until closed."""

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
