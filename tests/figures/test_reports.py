"""The sales progress table, weekly meeting, monthly report, .xlsx and region roll-up,
checked against figures computed by hand on a small fixed data set."""

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_sale, make_staff
from webapp.auth.models import Role
from webapp.customers.models import Acquisition
from webapp.figures import queries as report_queries
from webapp.figures.progress import progress
from webapp.figures.services import set_targets
from webapp.sales.models import CreditRole, ProductCategory, SaleSource

OCT = date(2026, 10, 1)


@pytest.fixture
def october(app, db, branch):
    """Wang (wealth) and Li (teller) in October.

    Targets: branch deposit 20,000 yuan, wealth 50,000; Wang deposit 10,000, new customers 2.
    Sales: Wang sells a 6,000 deposit alone (Oct 5) and a 30,000 wealth product referred by
    Li at 60/40 (Oct 12). Wang's credit: deposit 6,000, wealth 12,000; Li's: wealth 18,000.
    Customers: two lobby customers created Oct 2 (one buys Oct 5: 3 days), one referral
    customer created Oct 10 who buys Oct 12 (2 days).
    """
    manager = make_staff(Role.BRANCH_MANAGER, branch)
    wang = make_staff(Role.WEALTH_MANAGER, branch, name="王芳")
    li = make_staff(Role.TELLER, branch, name="李娜")
    c1 = make_customer(
        branch,
        owner_id=wang.id,
        acquired_via=Acquisition.LOBBY,
        created_at=datetime(2026, 10, 2, 2),
    )
    make_customer(
        branch,
        owner_id=wang.id,
        acquired_via=Acquisition.LOBBY,
        created_at=datetime(2026, 10, 2, 3),
    )
    c3 = make_customer(
        branch, acquired_via=Acquisition.REFERRAL, created_at=datetime(2026, 10, 10, 2)
    )
    make_customer(branch, acquired_via=Acquisition.EXISTING, created_at=datetime(2026, 10, 3))
    make_sale(branch, wang, c1, 6_000_00, sold_at=datetime(2026, 10, 5, 2))
    make_sale(
        branch, wang, c3, 30_000_00, category=ProductCategory.WEALTH_MANAGEMENT,
        sold_at=datetime(2026, 10, 12, 2), source=SaleSource.REFERRAL,
        credit=[(li.id, CreditRole.REFERRER, 6000), (wang.id, CreditRole.SELLER, 4000)],
    )  # fmt: skip
    with app.app_context():
        from webapp.extensions import db as _db

        set_targets(
            branch.id, OCT,
            {(None, "deposit"): 20_000_00, (None, "wealth_management"): 50_000_00,
             (wang.id, "deposit"): 10_000_00, (wang.id, "new_customers"): 2},
            manager,
        )  # fmt: skip
        _db.session.commit()
    return manager, wang, li


def test_progress_table_figures(app, october, branch):
    """Per person by credit, the branch by sales; pace needed over the days left."""
    _, wang, li = october
    with app.app_context():
        table = progress(branch.id, OCT, on=date(2026, 10, 22))
    assert table["days_left"] == 10
    branch_row = table["branch"]
    assert branch_row["deposit"] == {
        "target": 20_000_00,
        "achieved": 6_000_00,
        "percent": 30,
        "pace": 1_400_00,
        "unit": "yuan",
    }
    assert branch_row["wealth_management"]["achieved"] == 30_000_00
    assert branch_row["wealth_management"]["percent"] == 60
    assert branch_row["new_customers"]["achieved"] == 3  # existing customers do not count
    people = {p.id: cells for p, cells in table["people"]}
    assert people[wang.id]["deposit"] == {
        "target": 10_000_00,
        "achieved": 6_000_00,
        "percent": 60,
        "pace": 400_00,
        "unit": "yuan",
    }
    assert people[wang.id]["wealth_management"]["achieved"] == 12_000_00
    assert people[wang.id]["new_customers"]["achieved"] == 2
    assert people[wang.id]["new_customers"]["percent"] == 100
    assert people[li.id] == {
        "wealth_management": {
            "target": None, "achieved": 18_000_00, "percent": None, "pace": None, "unit": "yuan"
        }
    }  # fmt: skip


def test_progress_page_shows_the_table(app, october, client, login_as):
    """The manager sees the branch and each person with bars; a past month needs no pace."""
    login_as(october[0])
    page = text_of(client.get("/reports/progress?month=2026-10"))
    assert "王芳" in page and "李娜" in page
    # Category, achieved, target, the bar's own text and its label, the pace (past month: none).
    assert "存款 6,000 10,000 60% 60% —" in page and "30%" in page
    assert "<progress" in client.get("/reports/progress?month=2026-10").get_data(as_text=True)


def test_monthly_report_and_behaviours(app, october, branch, client, login_as):
    """Behaviours: lobby 2 won, 1 bought, 6,000, 3 days; referral 1, 1, 30,000, 2 days."""
    _, wang, li = october
    with app.app_context():
        report = report_queries.monthly(branch.id, OCT)
    rows = {b["channel"]: b for b in report["behaviours"]}
    assert rows[Acquisition.LOBBY] | {"channel": None} == {
        "channel": None,
        "customers": 2,
        "converted": 1,
        "value_fen": 6_000_00,
        "days_to_win": 3.0,
    }
    assert (rows[Acquisition.REFERRAL]["converted"], rows[Acquisition.REFERRAL]["days_to_win"]) == (
        1,
        2.0,
    )
    assert rows[Acquisition.MARKET_RUNNING]["customers"] == 0
    people = {r["person"].id: r for r in report["by_person"]}
    assert (
        people[li.id]["referral_credit_fen"] == 18_000_00
        and people[wang.id]["credit_fen"] == 18_000_00
    )
    assert people[wang.id]["target_fen"] == 10_000_00
    assert (report["total_fen"], report["target_fen"]) == (36_000_00, 70_000_00)
    login_as(october[0])
    html = client.get("/reports/monthly?month=2026-10").get_data(as_text=True)
    assert html.count('class="chart"') == 2 and "<desc>" in html and 'role="img"' in html


def test_xlsx_reopens_with_the_same_numbers(app, october, client, login_as):
    """The workbook opens with openpyxl and holds the report's numbers as numbers."""
    _, _wang, _li = october
    login_as(
        october[0],
    )
    response = client.get("/reports/monthly.xlsx?month=2026-10")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    assert len(book.sheetnames) == 3
    categories = {
        row[0]: row[2:] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)
    }
    assert categories["存款"] == (20000, 6000, 30)
    assert categories["理财"] == (50000, 30000, 60)
    people = {row[0]: row[2:] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    # Referral credit is every line on a referred sale: Wang's seller share of it too.
    assert people["王芳"] == (10000, 18000, 12000)
    assert people["李娜"] == (0, 18000, 18000)
    behaviours = [row for row in book.worksheets[2].iter_rows(min_row=2, values_only=True)]
    assert behaviours[0][1:] == (2, 1, 6000, 3.0)
    assert book.worksheets[1]["D2"].number_format == "#,##0.00"


def test_weekly_meeting_top_and_wobbling(app, db, branch, client, login_as):
    """Wobbling: this week under half the average of the four weeks before."""
    manager = make_staff(Role.BRANCH_MANAGER, branch)
    steady = make_staff(Role.WEALTH_MANAGER, branch, name="稳定")
    shaky = make_staff(Role.RETAIL_AM, branch, name="波动")
    customer = make_customer(branch)
    for monday_day in (5, 12, 19, 26):  # four October weeks
        make_sale(branch, shaky, customer, 10_000_00, sold_at=datetime(2026, 10, monday_day, 3))
        make_sale(branch, steady, customer, 5_000_00, sold_at=datetime(2026, 10, monday_day, 3))
    make_sale(branch, steady, customer, 5_000_00, sold_at=datetime(2026, 11, 3, 3))
    make_sale(branch, shaky, customer, 4_000_00, sold_at=datetime(2026, 11, 4, 3))
    with app.app_context():
        report = report_queries.weekly(branch.id, date(2026, 11, 2))
    assert [r["person"].name for r in report["wobbling"]] == ["波动"]
    assert [r["person"].name for r in report["top"]] == ["稳定", "波动"]
    assert report["this"] == {
        "sales": 2,
        "value_fen": 9_000_00,
        "units": {"corporate_settlement": 0, "e_banking": 0, "card": 0},
        "new_customers": 0,
    }
    assert report["last"]["sales"] == 2
    login_as(manager)
    page = text_of(client.get("/reports/weekly?week=2026-11-04"))
    assert "波动" in page[page.index("一对一") :]


def test_region_roll_up_for_the_administrator(app, db, client, login_as):
    """The administrator sees each branch of the region against its branch targets."""
    region = make_branch("浦东管辖行")
    first = make_branch("陆家嘴", parent=region)
    second = make_branch("张江", parent=region)
    boss = make_staff(Role.BRANCH_MANAGER, first)
    seller = make_staff(Role.WEALTH_MANAGER, second)
    make_sale(second, seller, make_customer(second), 8_000_00, sold_at=datetime(2026, 10, 8))
    with app.app_context():
        from webapp.extensions import db as _db

        set_targets(second.id, OCT, {(None, "deposit"): 16_000_00}, boss)
        set_targets(first.id, OCT, {(None, "deposit"): 10_000_00}, boss)
        _db.session.commit()
    login_as(Role.ADMIN, branch=region)
    page = text_of(client.get("/reports/region?month=2026-10"))
    assert "张江 16,000 8,000 50%" in page and "陆家嘴 10,000 0" in page


@pytest.mark.parametrize(
    "path", ["/reports/progress", "/reports/weekly", "/reports/monthly", "/reports/monthly.xlsx"]
)
def test_branch_reports_are_the_managers(app, db, branch, client, login_as, path):
    """Staff and the administrator are refused the branch reports; the manager gets them."""
    for role in (Role.WEALTH_MANAGER, Role.TELLER, Role.LOBBY_MANAGER, Role.ADMIN):
        login_as(role)
        assert client.get(path).status_code == 403
    login_as(Role.BRANCH_MANAGER)
    assert client.get(path).status_code == 200


def test_region_is_the_administrators(app, db, branch, client, login_as):
    """A branch manager cannot open the region roll-up."""
    login_as(Role.BRANCH_MANAGER)
    assert client.get("/reports/region").status_code == 403


def test_dashboard_tiles_open_their_pages(app, db, branch, client, login_as):
    """Month progress, commitments, open plans and one-on-ones due, each linking on."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    make_staff(Role.WEALTH_MANAGER, branch)
    response = client.get("/dashboard")
    html, page = response.get_data(as_text=True), text_of(response)
    assert "Commitments this morning 0 / 1" in page and "Due a one-on-one 1" in page
    for href in (
        "/reports/progress",
        "/coaching/huddles/morning",
        "/coaching/action-plans/",
        "/coaching/one-on-ones/",
    ):
        assert f'href="{href}"' in html
