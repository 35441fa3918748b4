"""The demo branch shows weeks of history in the four sales tools, and every screen renders."""

from sqlalchemy import func, select

from tests.conftest import text_of
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.kits.models import Portfolio, Product
from webapp.prospects.models import Prospect, Stage
from webapp.sales.models import Sale, SaleSource
from webapp.schedule.models import ScheduleEntry
from webapp.schedule.queries import week_summary
from webapp.timeutil import local_today, week_start


def test_demo_history_in_every_tool(app, db):
    """Sheets of varying completeness, every stage with some overdue, sales from won, a planned week."""
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    with app.test_request_context():
        s = db.session
        scores = s.scalars(select(Customer.completeness)).all()
        assert min(scores) < 50 < max(scores) and len(set(scores)) > 5
        home = s.scalar(select(Staff.branch_id).where(Staff.username == "retail1"))
        stages = set(s.scalars(select(Prospect.stage).where(Prospect.branch_id == home)))
        assert stages == set(Stage)
        today = local_today()
        overdue = s.scalar(
            select(func.count(Prospect.id)).where(
                Prospect.stage.not_in([Stage.WON, Stage.LOST]), Prospect.next_follow_up < today
            )
        )
        assert overdue > 3
        won = s.scalar(select(func.count(Prospect.id)).where(Prospect.stage == Stage.WON))
        assert won == s.scalar(
            select(func.count(Sale.id)).where(Sale.source == SaleSource.PROSPECT)
        )
        wealth1 = s.scalar(select(Staff.id).where(Staff.username == "wealth1"))
        this_week = week_summary(wealth1, week_start(today))
        assert this_week["planned"] >= 10
        assert s.scalar(select(func.count(ScheduleEntry.id))) > 300
        assert s.scalar(select(func.count(Product.id))) >= 8
        assert s.scalar(select(func.count(Portfolio.id))) >= 3
        images = s.scalars(
            select(func.length(Product.image)).where(Product.image.is_not(None))
        ).all()
        assert images and max(images) <= 200 * 1024


def test_every_sales_tool_screen_renders_on_the_demo(app, client, db):
    """The detail pages with ids (prospect, kit product, portfolio, present) render for wealth1."""
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        staff = db.session.scalar(select(Staff).where(Staff.username == "wealth1"))
        prospect_id = db.session.scalar(select(Prospect.id).where(Prospect.owner_id == staff.id))
        product_id = db.session.scalar(select(Product.id).where(Product.image.is_not(None)))
        portfolio_id = db.session.scalar(select(Portfolio.id))
        customer_id = db.session.scalar(select(Customer.id).where(Customer.owner_id == staff.id))
        with client.raw.session_transaction() as session:
            session["_user_id"] = staff.get_id()
    for url in (
        f"/prospects/{prospect_id}",
        f"/kit/products/{product_id}",
        f"/kit/products/{product_id}/image",
        f"/kit/portfolios/{portfolio_id}",
        f"/kit/present/portfolios/{portfolio_id}",
        f"/kit/present/products/{product_id}",
        f"/customers/{customer_id}",
        f"/customers/{customer_id}/edit",
        "/schedule/week",
        "/prospects/?closed=1",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "信息表完整度" in text_of(client.get(f"/customers/{customer_id}"))
