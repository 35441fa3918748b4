"""`demo-data --scale large` with small totals: exact counts, valid rows, working pages."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select, text

from tests.conftest import text_of
from webapp.auth.models import Branch, Role, Staff
from webapp.customers.models import Customer, CustomerKind
from webapp.customers.validators import is_credit_code, is_mobile
from webapp.sales.models import CreditLine, Sale, credit_value_fen

COUNTS = {
    "branches": 7,
    "staff": 50,
    "customers": 1_500,
    "prospects": 600,
    "check_ins": 2_000,
    "visits": 900,
    "appointments": 700,
    "referrals": 800,
    "days": 70,
}
SPEC = ",".join(f"{k}={v}" for k, v in COUNTS.items())
ACTIVITY_TABLES = ("check_in", "visit", "appointment", "referral")
# The demo is laid out around "now": loads compared with each other are made at one moment
# (a Wednesday, 10:30 in Shanghai, when the lobby is busy).
MOMENT = datetime(2026, 12, 2, 2, 30, tzinfo=UTC)


def _count(db, table: str) -> int:
    return db.session.scalar(select(func.count()).select_from(text(table)))


def _demo_page_figures(app, client) -> dict[str, str]:
    """What the demo's own users see on a few pages (the part a benchmark compares)."""
    seen = {}
    for username, path in (
        ("manager", "/referrals/ledger?period=month"),
        ("manager", "/reports/progress"),
        ("lobby1", "/lobby/rows"),
        ("retail1", "/prospects/"),
    ):
        _sign_in(app, client, username)
        seen[path] = text_of(
            client.get(path, headers={"HX-Request": "true"} if "rows" in path else {})
        )
    return seen


def _sign_in(app, client, username: str) -> Staff:
    with app.app_context():
        staff = app.extensions["sqlalchemy"].session.scalar(
            select(Staff).where(Staff.username == username)
        )
        with client.raw.session_transaction() as session:
            session["_user_id"] = staff.get_id()
            session["_fresh"] = True
        return staff


@pytest.fixture
def large(app, db):
    """The large data set with the test's totals, loaded through the command."""
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "large", "--counts", SPEC])
    assert result.exit_code == 0, result.output
    return result.output


def test_totals_are_exactly_the_counts_asked_for(app, db, large):
    """Branches, staff, customers (a third SMEs), prospects and activity add up to the totals."""
    with app.app_context():
        assert _count(db, "branch") == COUNTS["branches"]
        assert _count(db, "staff") == COUNTS["staff"]
        assert _count(db, "customer") == COUNTS["customers"]
        assert _count(db, "prospect") == COUNTS["prospects"]
        for table in ACTIVITY_TABLES:
            assert _count(db, table) == COUNTS[table + "s"]
        generated = db.session.scalars(
            select(Customer).where(Customer.branch_id > 3).order_by(Customer.id)
        ).all()
        smes = [c for c in generated if c.kind == CustomerKind.SME]
        assert abs(len(smes) / len(generated) - 1 / 3) < 0.01
        assert all(is_mobile(c.mobile) for c in generated)
        assert all(is_credit_code(c.credit_code) for c in smes)
        # Every sale's credit value (its amount, or a card's or an account's value per unit) is
        # split into credit lines that sum to it exactly.
        sums = db.session.execute(
            select(Sale.category, Sale.amount_fen, Sale.quantity, func.sum(CreditLine.amount_fen))
            .join(CreditLine, CreditLine.sale_id == Sale.id)
            .group_by(Sale.id, Sale.category, Sale.amount_fen, Sale.quantity)
        ).all()
        assert sums and all(
            credit_value_fen(category, amount, quantity) == total
            for category, amount, quantity, total in sums
        )
        assert any(category.counted for category, *_ in sums)
        assert "Generated in" in large


def test_new_rows_go_in_after_the_bulk_load(app, db, large):
    """Sequences were moved past the generated ids: the ORM can add rows to the bulk tables."""
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == "SH-B001"))
        manager = db.session.scalar(
            select(Staff).where(Staff.branch_id == branch.id, Staff.role == Role.BRANCH_MANAGER)
        )
        customer = Customer(
            branch_id=branch.id, kind=CustomerKind.INDIVIDUAL, name="新客户", mobile="13912345678"
        )
        db.session.add(customer)
        db.session.flush()
        sale = Sale(
            branch_id=branch.id,
            customer_id=customer.id,
            seller_id=manager.id,
            category="deposit",
            product_name="大额存单",
            amount_fen=100_00,
        )
        db.session.add(sale)
        db.session.commit()
        assert customer.id > COUNTS["customers"] - 1 and sale.id


def test_generated_staff_open_their_pages(app, db, client, large):
    """A generated branch's manager, lobby manager and account manager see their own data."""
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == "SH-B001"))
        people = {
            role: db.session.scalar(
                select(Staff.username).where(Staff.branch_id == branch.id, Staff.role == role)
            )
            for role in (Role.BRANCH_MANAGER, Role.LOBBY_MANAGER, Role.RETAIL_AM)
        }
        retail_id, retail_name = db.session.execute(
            select(Staff.id, Staff.name).where(Staff.username == people[Role.RETAIL_AM])
        ).one()
    _sign_in(app, client, people[Role.RETAIL_AM])
    for path in ("/today", "/prospects/", "/prospects/?q=1", "/customers/"):
        assert client.get(path).status_code == 200, path
    assert "list__item" in client.get("/customers/").get_data(as_text=True)
    _sign_in(app, client, people[Role.LOBBY_MANAGER])
    assert client.get("/lobby/").status_code == 200
    _sign_in(app, client, people[Role.BRANCH_MANAGER])
    assert retail_name in text_of(client.get("/referrals/ledger?period=month"))
    for path in (
        "/referrals/ledger",
        "/reports/progress",
        "/reports/monthly",
        f"/coaching/one-on-ones/{retail_id}",
        "/dashboard",
    ):
        assert client.get(path).status_code == 200, path
    history = text_of(client.get(f"/coaching/one-on-ones/{retail_id}"))
    assert "本周约见量达标" in history or "下周多跑两个园区" in history


def test_demo_branches_look_the_same_at_both_scales(app, db, client):
    """The demo users' pages show the same records with or without the generated branches,
    both loaded and read at the same moment (the clock stands still for the test)."""
    runner = app.test_cli_runner()
    with time_machine.travel(MOMENT, tick=False):
        assert runner.invoke(args=["demo-data"]).exit_code == 0
        small = _demo_page_figures(app, client)
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
        result = runner.invoke(args=["demo-data", "--scale", "large", "--counts", SPEC])
        assert result.exit_code == 0, result.output
        large = _demo_page_figures(app, client)
    assert "等候" in small["/lobby/rows"] and large == small


def test_calls_stand_behind_the_last_eight_weeks_of_commitments(app, db, large):
    """The call log of generated branches: each person's calls of a day are at most what they
    committed that day, and only the eight weeks the huddles and one-on-ones read have calls."""
    from collections import Counter
    from datetime import timedelta

    from webapp.appointments.models import Call
    from webapp.coaching.models import Commitment
    from webapp.timeutil import local_date, local_today

    with app.app_context():
        generated = select(Branch.id).where(Branch.code.like("SH-B%"))
        calls = db.session.execute(
            select(Call.staff_id, Call.called_at).where(Call.branch_id.in_(generated))
        ).all()
        committed = {
            (staff_id, day): n
            for staff_id, day, n in db.session.execute(
                select(Commitment.staff_id, Commitment.day, Commitment.calls).where(
                    Commitment.branch_id.in_(generated)
                )
            )
        }
        per_day = Counter((staff_id, local_date(at)) for staff_id, at in calls)
        eight_weeks_ago = local_today() - timedelta(weeks=8)
    assert len(calls) > 100
    assert all(n <= committed[key] for key, n in per_day.items())
    assert min(day for _, day in per_day) >= eight_weeks_ago
