"""The Today page holds its panels (schedule, follow-ups); each item opens its record."""

from datetime import datetime, timedelta

from tests.conftest import text_of
from tests.factories import make_customer
from webapp import timeutil
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.prospects.models import Prospect, Stage
from webapp.sales.models import ProductCategory
from webapp.schedule import services
from webapp.schedule.models import EntryKind


def test_today_holds_its_panels_in_the_page(app, client, login_as):
    """The panels come with the page, none loaded after it: the layout never jumps as they
    arrive, and a phone that keeps Today keeps its panels (issue 20, items 6 and 7)."""
    login_as(Role.RETAIL_AM)
    response = client.get("/today")
    html = response.get_data(as_text=True)
    assert 'hx-trigger="load"' not in html
    for heading in ("今日日程", "待跟进", "转介"):
        assert heading in text_of(response), heading


def test_panels_list_todays_entries_and_due_follow_ups(app, client, login_as, branch):
    """Today's entries and overdue follow-ups appear; each links to its record."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id, name="欧阳娜")
    with app.test_request_context():
        today = timeutil.local_today()
        services.create_entry(
            staff_id=me.id,
            branch_id=branch.id,
            kind=EntryKind.FIELD_VISIT,
            title="拜访欧阳娜",
            starts_at=timeutil.local_to_utc(
                datetime.combine(today, datetime.min.time()).replace(hour=10)
            ),
            customer_id=customer.id,
        )
        prospect = Prospect(
            branch_id=branch.id,
            customer_id=customer.id,
            owner_id=me.id,
            category=ProductCategory.FUND,
            stage=Stage.MET,
            next_follow_up=today - timedelta(days=1),
        )
        _db.session.add(prospect)
        _db.session.commit()
        prospect_id = prospect.id
    schedule = client.get("/schedule/today-panel", headers={"HX-Request": "true"})
    assert "拜访欧阳娜" in text_of(schedule) and f"/customers/{customer.id}" in schedule.get_data(
        as_text=True
    )
    follow_ups = client.get("/prospects/today-panel", headers={"HX-Request": "true"})
    assert "欧阳娜" in text_of(follow_ups) and "已逾期" in text_of(follow_ups)
    assert f"/prospects/{prospect_id}" in follow_ups.get_data(as_text=True)


def test_a_plain_visit_to_a_panel_gets_the_full_page(app, client, login_as):
    """Without htmx the panel URL sends the user to the tool's own page."""
    login_as(Role.RETAIL_AM)
    assert client.get("/schedule/today-panel").headers["Location"] == "/schedule/"
    assert client.get("/prospects/today-panel").headers["Location"] == "/prospects/"


def test_roles_without_a_prospect_list_get_no_panel_and_no_error(app, client, login_as):
    """A teller's Today loads the follow-up panel as an empty 200, never a 403 in the flash area."""
    login_as(Role.TELLER)
    response = client.get("/prospects/today-panel", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.get_data(as_text=True) == ""
    schedule = client.get("/schedule/today-panel", headers={"HX-Request": "true"})
    assert schedule.status_code == 200 and "今日日程" in text_of(schedule)
