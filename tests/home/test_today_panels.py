"""The Today page holds its panels (schedule, follow-ups); each item opens its record."""

from datetime import datetime, timedelta

from tests.conftest import section_html, section_text
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
    panels = {"today-schedule": "今日日程", "today-follow-ups": "待跟进", "referral-inbox": "转介"}
    for panel, heading in panels.items():
        assert heading in (section_text(response, panel) or ""), panel


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
    today_page = client.get("/today")
    schedule = section_text(today_page, "today-schedule")
    assert "拜访欧阳娜" in schedule
    assert f'href="/customers/{customer.id}"' in section_html(today_page, "today-schedule")
    follow_ups = section_text(today_page, "today-follow-ups")
    assert "欧阳娜" in follow_ups and "已逾期" in follow_ups
    assert f'href="/prospects/{prospect_id}"' in section_html(today_page, "today-follow-ups")


def test_the_panel_urls_are_gone(app, client, login_as):
    """The panels come only with Today: their former URLs are not found."""
    login_as(Role.RETAIL_AM)
    for tool in ("referrals", "schedule", "prospects", "field"):
        for headers in ({}, {"HX-Request": "true"}):
            assert client.get(f"/{tool}/today-panel", headers=headers).status_code == 404, tool


def test_roles_without_a_prospect_list_get_no_panel_and_no_error(app, client, login_as):
    """A teller's Today has no follow-up panel, and still its schedule."""
    login_as(Role.TELLER)
    response = client.get("/today")
    assert response.status_code == 200
    assert section_text(response, "today-follow-ups") is None
    assert "今日日程" in section_text(response, "today-schedule")
