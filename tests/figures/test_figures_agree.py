"""Every figure is the same on every screen that shows it (issue 18): a seeded generator makes a
few branches' worth of check-ins, referrals, won sales, split phases and allocations over two
months, and each person's credit, referral credit and referrals won are compared across the
progress table, the monthly report, its workbook, the ledger, the credit statement (its totals
and its lines) and the one-on-one; a week's credit on the weekly meeting and the one-on-one's
trend, a day's on the evening huddle; the branch row is the sum of its people wherever a figure
adds up."""

import random
import re
from datetime import date, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook

from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_staff
from webapp import timeutil
from webapp.auth.models import SALES_ROLES, Role
from webapp.extensions import db as _db
from webapp.figures import queries as report_queries
from webapp.figures.credit import statement
from webapp.figures.models import MONEY_METRICS, REFERRALS
from webapp.figures.periods import bounds, next_month
from webapp.figures.person import trend
from webapp.lobby.models import CheckIn, Desk, Need, VisitState
from webapp.referrals import queries as referral_queries
from webapp.referrals.models import CreditState, Referral, SplitPhase, State
from webapp.sales.models import COUNTED_CATEGORIES, CreditRole, ProductCategory, SaleSource
from webapp.sales.queries import credit_of
from webapp.sales.services import record_sale

SEED = 18
BRANCHES = 25
MONTHS = (date(2026, 9, 1), date(2026, 10, 1))
START, END = datetime(2026, 8, 31, 16), datetime(2026, 10, 31, 16)  # Sep 1 - Nov 1 at UTC+8
MONEY = list(MONEY_METRICS)  # yuan categories; accounts and cards are counted, never added
COUNTED = [c.value for c in COUNTED_CATEGORIES]


def _moment(rng: random.Random) -> datetime:
    """Any minute of the two months, near a month's edge one time in four."""
    if rng.random() < 0.25:
        edge = rng.choice((START, datetime(2026, 9, 30, 16), END))
        return edge + timedelta(minutes=rng.randint(-90, 90))
    return START + timedelta(minutes=rng.randrange(int((END - START).total_seconds() // 60)))


def _make_branch(app, rng: random.Random, n: int) -> dict:
    """One branch: its people, customers, two split phases, check-ins, referrals and sales."""
    branch = make_branch(f"随机支行{n}")
    manager = make_staff(Role.BRANCH_MANAGER, branch, locale="en")
    sellers = [make_staff(Role.WEALTH_MANAGER, branch) for _ in range(rng.randint(1, 2))]
    sellers.append(make_staff(Role.RETAIL_AM, branch))
    greeters = [make_staff(Role.LOBBY_MANAGER, branch)]
    greeters += [make_staff(Role.TELLER, branch) for _ in range(rng.randint(1, 2))]
    customers = [make_customer(branch) for _ in range(6)]
    with app.app_context():
        phases = [
            SplitPhase(branch_id=branch.id, name="一", starts_on=date(2026, 8, 1),
                       ends_on=date(2026, 9, 20), referrer_bp=rng.choice((6000, 8000))),
            SplitPhase(branch_id=branch.id, name="二", starts_on=date(2026, 9, 21),
                       ends_on=None, referrer_bp=rng.choice((4000, 5000))),
        ]  # fmt: skip
        _db.session.add_all(phases)
        _db.session.flush()
        for _ in range(rng.randint(15, 30)):
            _deal(rng, branch, sellers, greeters, customers, phases)
        _db.session.commit()
    everyone = [manager, *sellers, *greeters]
    return {"branch": branch, "manager": manager, "sellers": sellers, "greeters": greeters,
            "everyone": everyone}  # fmt: skip


def _deal(rng, branch, sellers, greeters, customers, phases) -> None:
    """One check-in, referral or plain sale: referred and allocated sales credit the referrers."""
    seller, customer, at = rng.choice(sellers), rng.choice(customers), _moment(rng)
    kind = rng.choice(("plain", "plain", "referred", "referred", "allocated", "open", "lost"))
    product = rng.choice(list(ProductCategory))
    amount = rng.randint(1, 500) * 100_00  # whole hundreds of yuan: every share whole yuan
    if kind == "plain":
        record_sale(branch_id=branch.id, customer_id=customer.id, seller_id=seller.id,
                    category=product, product_name="产品", amount_fen=amount, sold_at=at)  # fmt: skip
        return
    referrer = rng.choice(greeters + [s for s in sellers if s.id != seller.id])
    made = at - timedelta(hours=rng.randint(1, 200))
    visit = CheckIn(branch_id=branch.id, ticket=1, customer_id=customer.id, first_need=Need.WEALTH,
                    desk=Desk.LOBBY, checked_in_by_id=referrer.id, created_at=made,
                    state=VisitState.REFERRED)  # fmt: skip
    _db.session.add(visit)
    _db.session.flush()
    referral = Referral(
        branch_id=branch.id, referrer_id=referrer.id, receiver_id=seller.id,
        customer_id=customer.id, check_in_id=visit.id, need=Need.WEALTH,
        referred_on=timeutil.utc_to_local(made).date(), created_at=made, accepted_at=made,
        state=State.ACCEPTED,
    )  # fmt: skip
    _db.session.add(referral)
    if kind == "open":
        return
    referral.closed_at = at
    if kind == "lost":
        referral.state = State.LOST
        return
    phase = next(p for p in phases if p.covers(referral.referred_on))
    credit = [(referrer.id, CreditRole.REFERRER, phase.referrer_bp)]
    if kind == "allocated":
        second = rng.choice([g for g in greeters if g.id != referrer.id] or greeters)
        referral.second_referrer_id = second.id
        half = phase.referrer_bp // 2
        credit = [(referrer.id, CreditRole.MANUAL, phase.referrer_bp - half),
                  (second.id, CreditRole.MANUAL, half)]  # fmt: skip
    sale = record_sale(
        branch_id=branch.id, customer_id=customer.id, seller_id=seller.id, category=product,
        product_name="产品", amount_fen=amount, sold_at=at, source=SaleSource.REFERRAL,
        credit=[*credit, (seller.id, CreditRole.SELLER, phase.seller_bp)],
    )  # fmt: skip
    _db.session.flush()
    sale.source_id = referral.id
    referral.state, referral.sale_id, referral.phase_id = State.WON, sale.id, phase.id
    referral.won_amount_fen, referral.credit_state = amount, CreditState.SETTLED


def _yuan(text: str) -> int:
    """A whole-yuan figure as the page writes it ("12,000"), in fen."""
    return int(text.replace(",", "")) * 100


def _check(app, client, login_as, made: dict) -> int:
    """Compare every figure of one branch across the screens; the number of comparisons."""
    branch, manager = made["branch"], made["manager"]
    login_as(manager)
    checked = 0
    for month in MONTHS:
        last = next_month(month) - timedelta(days=1)
        with app.app_context():
            report = report_queries.monthly(branch.id, month)
            rows, totals = referral_queries.ledger(branch.id, month, last)
        table = report["progress"]
        book = load_workbook(BytesIO(client.get(f"/reports/monthly.xlsx?month={month:%Y-%m}").data))
        sheet = {r[0]: r for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
        ledger = {r.staff_id: r for r in rows}
        by_person = {r["person"].id: r for r in report["by_person"]}
        people = dict((p.id, cells) for p, cells in table["people"])
        assert set(people) == set(by_person)
        for person, cells in table["people"]:
            credit = by_person[person.id]["credit_fen"]
            referred = by_person[person.id]["referral_credit_fen"]
            # The progress table's cells, the report, the workbook, the ledger. Credit is money:
            # the yuan categories' cells plus the credit value of the accounts and cards.
            by_category = table["credit_by_category"].get(person.id, {})
            assert credit == sum(by_category.values())
            assert sum(cells[m]["achieved"] for m in MONEY if m in cells) == sum(
                fen for m, fen in by_category.items() if m in MONEY
            )
            assert round(sheet[person.name][3] * 100) == credit
            assert round(sheet[person.name][4] * 100) == referred == ledger[person.id].credit_fen
            # The credit statement: its totals, and its lines add up to them.
            with app.app_context():
                lines, own = statement(person.id, month)
            assert (own.total, own.referred) == (credit, referred)
            assert sum(line.amount_fen for line in lines) == credit
            assert sum(line.amount_fen for line in lines if line.referred) == referred
            checked += 7
            if person.role in SALES_ROLES:
                # The one-on-one of the month's first full week shows the month's credit.
                week = month + timedelta(days=(7 - month.weekday()) % 7)
                page = text_of(client.get(f"/coaching/one-on-ones/{person.id}?week={week}"))
                shown = re.search(r"Credit this month \(yuan\) ([\d,]+)", page).group(1)
                assert _yuan(shown) == credit, (person.name, month)
                checked += 1
        # A week of the month: the weekly meeting and the one-on-one's trend count its credit
        # as the credit of any other period is counted.
        week = month + timedelta(days=7 + (7 - month.weekday()) % 7)
        with app.app_context():
            meeting = report_queries.weekly(branch.id, week)
            of_week = credit_of(list(people), *bounds(week, week + timedelta(days=7)))
            for row in meeting["rows"]:
                expected = of_week[row["person"].id].total if row["person"].id in of_week else 0
                assert row["this_week"] == expected
                if row["person"].role in SALES_ROLES:
                    assert trend(row["person"], week)[-1]["credit_fen"] == expected
                checked += 1
        # The evening huddle's ledger of a day: its referral credit is the day's referred lines.
        for day in (month.replace(day=15), last):
            page = text_of(client.get(f"/coaching/huddles/evening?day={day}"))
            shown = re.search(r"Referral credit CN¥([\d,]+)\.00", page).group(1)
            with app.app_context():
                of_day = credit_of(
                    [s.id for s in made["everyone"]], *bounds(day, day + timedelta(days=1))
                )
            assert _yuan(shown) == sum(c.referred for c in of_day.values())
            checked += 1
        # The workbook's branch rows are the table's.
        achieved = [r[3] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
        assert sorted(achieved) == sorted(
            c["achieved"] / (100 if m in MONEY else 1) for m, c in table["branch"].items()
        )
        # The statement as the manager opens it, for one person of the month.
        person = made["greeters"][0]
        page = text_of(client.get(f"/reports/credit?month={month:%Y-%m}&person={person.id}"))
        shown = re.search(r"Credit earned CN¥([\d,]+)\.00", page).group(1)
        assert _yuan(shown) == by_person[person.id]["credit_fen"]
        # The branch row: each category the sum of its people (every share goes to one of
        # them), referrals won the ledger's and the people's.
        for metric in MONEY + COUNTED:
            branch_cell = table["branch"].get(metric, {"achieved": 0})["achieved"]
            assert branch_cell == sum(c.get(metric, {}).get("achieved", 0) for c in people.values())
            checked += 1
        won = table["branch"].get(REFERRALS, {"achieved": 0})["achieved"]
        assert (
            won
            == totals["won"]
            == sum(c.get(REFERRALS, {}).get("achieved", 0) for c in people.values())
        )
        assert totals["credit_fen"] == sum(r.credit_fen for r in rows)
        assert report["total_fen"] == sum(
            fen
            for by_category in table["credit_by_category"].values()
            for m, fen in by_category.items()
            if m in MONEY
        )
        checked += 3
    return checked


def test_every_figure_agrees_on_every_screen(app, db, client, login_as):
    """A seeded generator's branches: every person's figures equal on every screen."""
    rng = random.Random(SEED)
    checked = 0
    for n in range(BRANCHES):
        made = _make_branch(app, rng, n)
        checked += _check(app, client, login_as, made)
    assert checked > 100
