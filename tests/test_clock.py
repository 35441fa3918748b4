"""One clock (issue 18, item 7): every stored time is naive UTC, whatever the database server's
own time zone (the suite's PostgreSQL runs at Asia/Shanghai, as a Shanghai bank's would)."""

import re
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import time_machine
from sqlalchemy import select, text

from tests.factories import make_customer, make_sale, make_staff
from webapp.auth.models import Role
from webapp.customers.models import Customer
from webapp.lobby.models import CheckIn, Need
from webapp.sales.models import CreditLine, Sale

MOMENT = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
STORED = MOMENT.replace(tzinfo=None)
WEBAPP = Path(__file__).resolve().parent.parent / "webapp"


def test_the_suites_postgresql_server_runs_at_shanghai_time(app, db):
    """A connection that does not set its zone gets the server's, Asia/Shanghai: the app's
    own connections must not depend on it."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        url = db.engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as raw:
        assert raw.execute("SHOW TimeZone").fetchone()[0] == "Asia/Shanghai"


def test_the_apps_connections_run_in_utc(app, db):
    """The app fixes its connections' time zone, so the server's setting cannot shift a time."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            assert db.session.execute(text("SHOW TimeZone")).scalar() == "UTC"
            stamp = db.session.execute(text("SELECT now()::timestamp - now() AT TIME ZONE 'UTC'"))
            assert stamp.scalar().total_seconds() == 0


def test_column_defaults_and_the_sale_store_naive_utc(app, db, branch):
    """A customer's created_at, a check-in's created_at and a sale's sold_at (and its credit
    lines') made at 09:30 in Shanghai are stored as 01:30, the naive UTC every query compares."""
    seller = make_staff(Role.RETAIL_AM, branch)
    with time_machine.travel(MOMENT, tick=False):
        customer = make_customer(branch)
        sale_id = make_sale(branch, seller, customer, 100_00)
        with app.app_context():
            db.session.add(
                CheckIn(
                    branch_id=branch.id,
                    ticket=1,
                    first_need=Need.DEPOSIT,
                    checked_in_by_id=seller.id,
                )
            )
            db.session.commit()
    with app.app_context():
        assert db.session.get(Customer, customer.id).created_at == STORED
        assert db.session.get(Sale, sale_id).sold_at == STORED
        lines = db.session.scalars(select(CreditLine.sold_at).where(CreditLine.sale_id == sale_id))
        assert list(lines) == [STORED]
        assert db.session.scalar(select(CheckIn.created_at)) == STORED


def test_the_clock_lives_in_timeutil_only():
    """No aware `utcnow`, no hand-made +8 h and no copy of the UTC conversion in the domains:
    they read the branch's clock from webapp/timeutil.py."""
    found = []
    patterns = [r"\butcnow\b", r"hours=8\b", r"now\(UTC\)\.replace\(tzinfo=None\)"]
    for path in sorted(WEBAPP.rglob("*.py")):
        if path.name == "timeutil.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(re.search(p, line) for p in patterns):
                found.append(f"{path.relative_to(WEBAPP)}:{number}: {line.strip()}")
    assert found == []
