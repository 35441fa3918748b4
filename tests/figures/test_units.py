"""Units that mean something (issue 18, item 4): deposits and loans in yuan, cards and e-banking
sign-ups in accounts or cards; every screen shows each category in its unit and no total adds
across units."""

import re
from datetime import date, datetime
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_customer, make_sale, make_staff
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.figures import queries as report_queries
from webapp.figures.services import set_targets
from webapp.sales.models import CreditLine, CreditRole, ProductCategory, Sale, SaleSource
from webapp.timeutil import local_today, now_naive

OCT = date(2026, 10, 1)


def _october(app, branch):
    """Wang sells a 6,000 yuan deposit and signs a customer up for e-banking (the old demo's
    "amount" of 1,000,000 given, which is not an amount); Li refers a platinum card Wang
    issues (the "amount" 2,000,000). Targets: deposits 20,000 yuan, e-banking 5 accounts."""
    manager = make_staff(Role.BRANCH_MANAGER, branch, locale="en")
    wang = make_staff(Role.WEALTH_MANAGER, branch, name="王芳")
    li = make_staff(Role.TELLER, branch, name="李娜")
    customer = make_customer(branch)
    make_sale(branch, wang, customer, 6_000_00, sold_at=datetime(2026, 10, 5, 2))
    make_sale(
        branch, wang, customer, 1_000_000_00, category=ProductCategory.E_BANKING,
        product_name="个人网银", sold_at=datetime(2026, 10, 6, 2),
    )  # fmt: skip
    make_sale(
        branch, wang, customer, 2_000_000_00, category=ProductCategory.CARD,
        product_name="白金信用卡", sold_at=datetime(2026, 10, 7, 2), source=SaleSource.REFERRAL,
        credit=[(li.id, CreditRole.REFERRER, 8000), (wang.id, CreditRole.SELLER, 2000)],
    )  # fmt: skip
    with app.app_context():
        set_targets(
            branch.id, OCT,
            {(None, "deposit"): 20_000_00, (None, "e_banking"): 5, (wang.id, "card"): 3},
            manager,
        )  # fmt: skip
        _db.session.commit()
    return manager, wang, li


def _row(text: str, label: str) -> str:
    """The text of the progress table from a category label up to the next percent or dash."""
    found = re.search(re.escape(label) + r" (.*?)(?: \d+% | — )", text)
    assert found, f"{label} not in {text[:400]}"
    return found.group(1)


def test_a_counted_sale_records_a_quantity_and_money_credit(app, db, branch):
    """A card is one card, not 2,000,000 yuan; its credit is the card's value per unit split by
    the shares (money, 计件计价)."""
    _october(app, branch)
    with app.app_context():
        card = _db.session.scalars(select(Sale).where(Sale.category == "card")).one()
        assert (card.amount_fen, card.quantity, card.measure) == (0, 1, 1)
        lines = sorted(line.amount_fen for line in _db.session.scalars(select(CreditLine)).all())
    # deposit 6,000 yuan; card 10,000 yuan of credit split 80/20; e-banking 5,000 yuan
    assert lines == [2_000_00, 5_000_00, 6_000_00, 8_000_00]


def test_progress_table_counts_e_banking_in_accounts(app, db, branch, client, login_as):
    """The 电子银行 row shows 1 account against a target of 5, not 1,000,000 (yuan)."""
    manager, _wang, _li = _october(app, branch)
    login_as(manager)
    text = text_of(client.get("/reports/progress?month=2026-10"))
    assert _row(text, "E-banking") == "1 account 5 accounts"
    assert _row(text, "Cards") == "1 card"
    assert "1,000,000" not in text and "2,000,000" not in text


def test_branch_yuan_total_leaves_out_counted_categories(app, db, branch, client, login_as):
    """The monthly report's branch total in yuan is the deposit only, labelled as yuan."""
    manager, _wang, _li = _october(app, branch)
    with app.app_context():
        report = report_queries.monthly(branch.id, OCT, on=date(2026, 10, 22))
        assert (report["total_fen"], report["target_fen"]) == (6_000_00, 20_000_00)
        region = report_queries.region(_db.session.get(type(manager), manager.id), OCT)
    assert region[0]["sales_fen"] == 6_000_00
    login_as(manager)
    text = text_of(client.get("/reports/monthly?month=2026-10"))
    assert "Sales in yuan" in text and "2,006,000" not in text and "3,006,000" not in text


def test_dashboard_tile_sums_yuan_only(app, db, branch, client, login_as):
    """The manager's month tile: this month's yuan sales against yuan targets."""
    manager = make_staff(Role.BRANCH_MANAGER, branch, locale="en")
    wang = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch)
    make_sale(branch, wang, customer, 6_000_00, sold_at=now_naive())
    make_sale(
        branch, wang, customer, 1_000_000_00, category=ProductCategory.E_BANKING,
        sold_at=now_naive(),
    )  # fmt: skip
    with app.app_context():
        from webapp.coaching.queries import dashboard_tiles

        month = local_today().replace(day=1)
        set_targets(branch.id, month, {(None, "deposit"): 12_000_00, (None, "card"): 4}, manager)
        _db.session.commit()
        tiles = dashboard_tiles(branch.id)
    assert (tiles["sales_fen"], tiles["target_fen"], tiles["percent"]) == (6_000_00, 12_000_00, 50)


def test_workbook_cells_carry_their_unit(app, db, branch, client, login_as):
    """Read back with openpyxl: the deposit cells are yuan, the e-banking cells accounts."""
    manager, _wang, _li = _october(app, branch)
    login_as(manager)
    book = load_workbook(BytesIO(client.get("/reports/monthly.xlsx?month=2026-10").data))
    rows = {row[0].value: row for row in book.worksheets[0].iter_rows(min_row=2)}
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[:3] == ["Category", "Unit", "Target"]
    deposit, e_banking, card = rows["Deposits"], rows["E-banking"], rows["Cards"]
    assert (deposit[1].value, deposit[2].value, deposit[3].value) == ("yuan", 20000, 6000)
    assert "¥" in deposit[3].number_format
    assert (e_banking[1].value, e_banking[2].value, e_banking[3].value) == ("accounts", 5, 1)
    assert "accounts" in e_banking[3].number_format and "¥" not in e_banking[3].number_format
    assert card[3].value == 1 and "cards" in card[3].number_format


def test_weekly_meeting_and_credit_statement_show_cards_as_cards(app, db, branch, client, login_as):
    """The week of Oct 5: sales value 6,000 yuan, 1 account, 1 card; the statement shows the
    card as one card credited 80% of its value."""
    manager, _wang, li = _october(app, branch)
    login_as(manager)
    text = text_of(client.get("/reports/weekly?week=2026-10-05"))
    assert "Sales value in yuan CN¥6,000.00" in text
    assert "E-banking 1 account 0 accounts" in text and "Cards 1 card 0 cards" in text
    text = text_of(client.get(f"/reports/credit?month=2026-10&person={li.id}"))
    assert "白金信用卡 Cards 1 card Referrer" in text and "CN¥8,000.00" in text
