"""One truth for every figure (issue 18, items 1, 2, 3 and 6): the branch row of referrals won,
referral credit on every screen, referrals received and won in the one-on-one, plans in
progress on the dashboard."""

from datetime import date, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook

from tests.conftest import text_of
from tests.factories import _save, make_customer, make_sale, make_staff
from webapp.auth.models import Role
from webapp.coaching.models import ActionPlan, PlanStatus
from webapp.figures import queries as report_queries
from webapp.figures.models import REFERRALS
from webapp.figures.progress import progress
from webapp.lobby.models import Need
from webapp.referrals import queries as referral_queries
from webapp.referrals.models import Referral, State
from webapp.sales.models import CreditRole, ProductCategory, SaleSource

OCT = date(2026, 10, 1)


def won_referral(branch, referrer, receiver, customer, closed_at, **fields) -> Referral:
    """A referral won (closed) at `closed_at`, made the day before."""
    made = fields.pop("created_at", closed_at.replace(day=closed_at.day - 1))
    return _save(
        Referral(
            branch_id=branch.id, referrer_id=referrer.id, receiver_id=receiver.id,
            customer_id=customer.id, need=Need.WEALTH, referred_on=made.date(),
            created_at=made, accepted_at=made, state=State.WON, closed_at=closed_at, **fields,
        )
    )  # fmt: skip


def test_branch_row_counts_the_referrals_won(app, db, branch):
    """Item 1: the branch row of 转介 shows the branch's referrals won, not 0."""
    lobby = make_staff(Role.LOBBY_MANAGER, branch)
    teller = make_staff(Role.TELLER, branch)
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch)
    won_referral(branch, lobby, wealth, customer, datetime(2026, 10, 12, 2))
    won_referral(branch, lobby, wealth, customer, datetime(2026, 10, 14, 2))
    won_referral(branch, teller, wealth, customer, datetime(2026, 10, 20, 2))
    with app.app_context():
        table = progress(branch.id, OCT, on=date(2026, 10, 22))
        _rows, totals = referral_queries.ledger(branch.id, OCT, date(2026, 11, 1))
    people = {p.id: cells for p, cells in table["people"]}
    assert people[lobby.id][REFERRALS]["achieved"] == 2
    assert people[teller.id][REFERRALS]["achieved"] == 1
    assert table["branch"][REFERRALS]["achieved"] == 3 == totals["won"]


def test_workbook_branch_row_counts_the_referrals_won(app, db, branch, client, login_as):
    """Item 1, as the manager downloads it: the workbook's 转介 row shows 1 achieved."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    lobby = make_staff(Role.LOBBY_MANAGER, branch)
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    won_referral(branch, lobby, wealth, make_customer(branch), datetime(2026, 10, 12, 2))
    book = load_workbook(BytesIO(client.get("/reports/monthly.xlsx?month=2026-10").data))
    rows = {row[0]: row for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert rows["Referrals"][2] == 1


def test_referral_credit_is_the_same_on_the_report_and_the_ledger(
    app, db, branch, client, login_as
):
    """Item 2: a referred sale credits the referrer and the seller; both screens show each
    person's credit lines on referred sales, whatever their role on the line."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    lobby = make_staff(Role.LOBBY_MANAGER, branch, name="孙婷婷")
    wealth = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    customer = make_customer(branch)
    referral = won_referral(branch, lobby, wealth, customer, datetime(2026, 10, 12, 2))
    make_sale(
        branch, wealth, customer, 30_000_00, category=ProductCategory.WEALTH_MANAGEMENT,
        sold_at=datetime(2026, 10, 12, 2), source=SaleSource.REFERRAL, source_id=referral.id,
        credit=[(lobby.id, CreditRole.REFERRER, 6000), (wealth.id, CreditRole.SELLER, 4000)],
    )  # fmt: skip
    make_sale(branch, wealth, customer, 5_000_00, sold_at=datetime(2026, 10, 13, 2))
    with app.app_context():
        report = report_queries.monthly(branch.id, OCT)
        rows, totals = referral_queries.ledger(branch.id, OCT, date(2026, 11, 1))
    by_person = {r["person"].id: r for r in report["by_person"]}
    ledger = {r.staff_id: r for r in rows}
    assert by_person[lobby.id]["referral_credit_fen"] == ledger[lobby.id].credit_fen == 18_000_00
    assert by_person[wealth.id]["referral_credit_fen"] == ledger[wealth.id].credit_fen == 12_000_00
    assert by_person[wealth.id]["credit_fen"] == 17_000_00  # all of the person's credit lines
    assert totals["credit_fen"] == 30_000_00
    book = load_workbook(BytesIO(client.get("/reports/monthly.xlsx?month=2026-10").data))
    cells = {r[0]: r for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert cells["林晓燕"][3:5] == (17_000, 12_000)


def test_one_on_one_counts_the_referrals_received_and_won(app, db, branch, client, login_as):
    """Item 3: two referrals received this week, one converted: the one-on-one shows it."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    lobby = make_staff(Role.LOBBY_MANAGER, branch)
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch)
    won_referral(branch, lobby, wealth, customer, datetime(2026, 11, 11, 2))
    _save(
        Referral(
            branch_id=branch.id, referrer_id=lobby.id, receiver_id=wealth.id,
            customer_id=customer.id, need=Need.WEALTH, referred_on=date(2026, 11, 10),
            created_at=datetime(2026, 11, 10, 3), state=State.REFERRED,
        )
    )  # fmt: skip
    page = text_of(client.get(f"/coaching/one-on-ones/{wealth.id}?week=2026-11-09"))
    figures = page[page.index("The week's figures") : page.index("Use of the four sales tools")]
    assert "Referrals received 2" in figures
    assert "Referrals received and won 1" in figures
    assert "Referrals given and won 0" in figures


def test_dashboard_tile_counts_plans_in_progress(app, db, branch, client, login_as):
    """Item 6: a plan not started is not "in progress"; a closed one neither."""
    manager = login_as(Role.BRANCH_MANAGER, locale="en")
    for status in (PlanStatus.OPEN, PlanStatus.IN_PROGRESS, PlanStatus.CLOSED):
        _save(
            ActionPlan(
                branch_id=branch.id, owner_id=manager.id, due_on=date(2026, 12, 31),
                what=f"计划 {status}", expected_effect="x", status=status,
                created_by_id=manager.id,
            )
        )  # fmt: skip
    page = text_of(client.get("/dashboard"))
    assert "Action plans in progress 1" in page


def test_demo_credits_referrers_only_on_referred_sales_and_adds_up(app, db):
    """Item 2's demo: a referrer's credit line only on a referred sale; on the demo branch the
    report and the ledger agree person by person, and the branch row counts the ledger's won."""
    from sqlalchemy import select

    from webapp.auth.models import Branch
    from webapp.figures.periods import month_start
    from webapp.sales.models import CreditLine, Sale
    from webapp.timeutil import local_today

    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        from webapp.extensions import db as _db

        stray = _db.session.scalars(
            select(CreditLine)
            .join(Sale, Sale.id == CreditLine.sale_id)
            .where(
                CreditLine.role.in_([CreditRole.REFERRER, CreditRole.MANUAL]),
                Sale.source != SaleSource.REFERRAL,
            )
        ).all()
        assert stray == []
        home = _db.session.scalar(select(Branch).where(Branch.name == "陆家嘴支行"))
        month = month_start(local_today())
        report = report_queries.monthly(home.id, month)
        rows, totals = referral_queries.ledger(home.id, month, local_today() + timedelta(days=1))
        ledger = {r.staff_id: r.credit_fen for r in rows}
        for row in report["by_person"]:
            assert row["referral_credit_fen"] == ledger[row["person"].id], row["person"].name
        branch_row = report["progress"]["branch"][REFERRALS]["achieved"]
        people = sum(
            c.get(REFERRALS, {}).get("achieved", 0) for _, c in report["progress"]["people"]
        )
        assert branch_row == totals["won"] == people
