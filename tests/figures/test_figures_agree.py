"""Every figure is the same on every screen that shows it (issue 18, "Done when").

A seeded generator (random.Random(SEED): a failure replays exactly) makes BRANCHES random
branches, each in one transaction: people, customers (each with an owner), split phases added
one after another (each closes the one before; some branches start theirs in September, so
earlier referrals have no phase and the manager allocates them), lobby check-ins, referrals
(some with a second referrer, disputed or reassigned), accepted, won, lost or left open,
credit the rule cannot settle allocated by the manager or left pending, and plain sales. Times
are drawn over September and October 2026 at the branch (Asia/Shanghai), one in eight exactly
at a local midnight and one in four near a month's edge, so every boundary is exercised.

Every PAGES_EVERY-th branch is lived through the services (lobby check_in_visitor, referrals
create_referral, reassign, dispute, accept, win, lose, allocate, with the clock moved to each
step by time-machine), so the split is the services' own; the other branches are written as
the rows those services leave (the same split rule, split_amount's exact shares) with one bulk
insert per table, because the services' flushes cost about a second a branch here.

Checked for every branch, through the query functions the views call: both months' progress
table, monthly report and referral ledger (credit, referral credit, referrals given, received,
given and won, received and won, the ledger's "won as referrer, seller or second referrer"),
and the branch row equal to the sum of its people for every category, new customers and
referrals won (each sale's credit lines go to people of the branch; the report's total is the
people's credit); the week holding 1 October (each seller's one-on-one figures and month's
credit, the weekly meeting, the trend, the ledger of the week) and 1 October itself (the
huddles' referrals won and sales against the ledger and the credit of the day).
The lived branches add: each person's credit statement (totals and lines), a second week,
the seven days of the week holding each month's first day adding up to the week, and the
pages as a user reads them: the progress table, monthly report, its .xlsx (openpyxl, cells by
header), ledger, every credit statement, the one-on-ones, the weekly meeting and both huddles,
parsed with the tag stripping of conftest.text_of, against the figures above.

Why not every branch through the pages: a page costs 5-20 ms to render against well under a
millisecond per statement, and a branch's pages are about 60 requests; the pages are thin
views over the same functions, so a sample of lived branches shows the pages print what the
functions return, and the functions are tied to each other on all 200.
Measured on this 2-core machine while other suites ran (load average 11-15): 86 s of wall
time on SQLite and 119 s on PostgreSQL, in which the test process used 31 s of CPU for both
(PostgreSQL's own not counted): the budget of about a minute a database holds when the cores
are free.
"""

import random
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import cache
from io import BytesIO

import time_machine
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import bindparam, func, insert, select, update

from tests.conftest import text_of
from tests.factories import _password_hash
from webapp import timeutil
from webapp.auth.models import SALES_ROLES, Branch, Role, Staff
from webapp.coaching import queries as coaching_queries
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.extensions import db as _db
from webapp.figures import metrics
from webapp.figures import queries as report_queries
from webapp.figures.credit import statement
from webapp.figures.models import COUNT_METRICS, NEW_CUSTOMERS, REFERRALS, metric_label
from webapp.figures.periods import bounds, next_month
from webapp.figures.person import trend, week_figures
from webapp.lobby.models import CheckIn, Desk, Need, VisitState
from webapp.lobby.services import check_in_visitor
from webapp.referrals import criteria, services
from webapp.referrals import queries as referral_queries
from webapp.referrals.models import CreditState, Referral, State
from webapp.sales.models import CreditLine, CreditRole, ProductCategory, Sale, SaleSource
from webapp.sales.queries import credit_of
from webapp.sales.services import record_sale, split_amount

SEED = 18
BRANCHES = 200
PAGES_EVERY = 25  # every 25th branch is lived through the services and read through its pages
MONTHS = (date(2026, 9, 1), date(2026, 10, 1))
START, END = datetime(2026, 8, 31, 16), datetime(2026, 10, 31, 16)  # Sep 1 - Nov 1 at UTC+8
EDGES = (START, datetime(2026, 9, 30, 16), END)
CATEGORIES = list(ProductCategory)
_serial = iter(range(1, 10**9))
LEDGER_FIELDS = ("given", "received", "accepted", "won", "value_fen", "credit_fen")


def _moment(rng: random.Random) -> datetime:
    """Any minute of the two months; one time in eight exactly a local midnight, one in four
    within 90 minutes of a month's edge (half of those exactly on it)."""
    draw = rng.random()
    if draw < 0.125:
        return START + timedelta(days=rng.randrange((END - START).days))
    if draw < 0.375:
        return rng.choice(EDGES) + timedelta(minutes=rng.choice((0, rng.randint(-90, 90))))
    return START + timedelta(minutes=rng.randrange(int((END - START).total_seconds() // 60)))


def _later(rng: random.Random, at: datetime) -> datetime:
    """A moment after `at`: another draw of _moment when it falls later, else up to six days on."""
    moment = _moment(rng)
    return moment if moment > at else at + timedelta(minutes=rng.randint(1, 60 * 24 * 6))


def _at(moment: datetime):
    """The wall clock at a naive-UTC moment, as the services read it."""
    return time_machine.travel(moment.replace(tzinfo=UTC), tick=False)


def _make_branch(rng: random.Random, n: int, lived: bool) -> dict:
    """One branch in one transaction: people, customers, phases, then its stories, lived
    through the services or (faster) written as the rows they would leave."""
    serial = next(_serial)
    branch = Branch(code=f"P{serial:05d}", name=f"随机支行{n}")
    _db.session.add(branch)
    _db.session.flush()
    criteria.create_criteria(branch.id, None)

    def staff(role, **fields):
        k = next(_serial)
        return Staff(username=f"p{k}", name=f"员工{k}", role=role, branch_id=branch.id,
                     password_hash=_password_hash(), session_token=f"p{k}", **fields)  # fmt: skip

    manager = staff(Role.BRANCH_MANAGER, locale="en")
    sellers = [staff(Role.WEALTH_MANAGER) for _ in range(rng.randint(1, 2))]
    sellers += [staff(rng.choice((Role.RETAIL_AM, Role.CREDIT_AM)))]
    greeters = [staff(Role.LOBBY_MANAGER)] + [staff(Role.TELLER) for _ in range(rng.randint(1, 2))]
    _db.session.add_all([manager, *sellers, *greeters])
    _db.session.flush()
    customers = []
    for _ in range(rng.randint(5, 9)):
        k = next(_serial)
        customers.append(
            Customer(branch_id=branch.id, kind=CustomerKind.INDIVIDUAL, name=f"客户{k}",
                     mobile=f"139{k:08d}", owner_id=rng.choice(sellers).id,
                     acquired_via=rng.choice(list(Acquisition)), created_at=_moment(rng))
        )  # fmt: skip
    _db.session.add_all(customers)
    # The split's phases, each added after the last (closing it the day before); a branch whose
    # first phase starts in September has referrals no phase covers (the manager allocates).
    first = rng.choice((date(2026, 8, 1), date(2026, 9, rng.randint(2, 20))))
    later = sorted(rng.sample(range(1, 50), rng.randint(0, 2)))
    for i, day in enumerate([first, *(date(2026, 9, 20) + timedelta(days=d) for d in later)]):
        criteria.add_phase(branch_id=branch.id, staff=manager, name=f"第{i + 1}阶段",
                           starts_on=day, ends_on=None,
                           referrer_bp=rng.choice((8000, 6000, 5000, 4000)))  # fmt: skip
    _db.session.flush()
    if lived:
        for _ in range(rng.randint(8, 14)):
            _story(rng, manager, sellers, greeters, customers)
    else:
        phases = criteria.phases(branch.id)
        _write_rows([_row_story(rng, sellers, greeters, customers, phases)
                     for _ in range(rng.randint(8, 20))])  # fmt: skip
    _db.session.commit()
    for person in (manager, *sellers, *greeters):
        _db.session.refresh(person)  # loaded, to be read after the app context ends
    return {
        "branch_id": branch.id,
        "lived": lived,
        "manager": manager,
        "people": sellers + greeters,
        "sellers": sellers,
        "names": {s.id: s.name for s in sellers + greeters},
    }


def _story(rng, manager, sellers, greeters, customers) -> None:
    """A plain sale, or a referral from check-in to won, lost or open, credit allocated."""
    seller, customer, at = rng.choice(sellers), rng.choice(customers), _moment(rng)
    category = rng.choice(CATEGORIES)
    amount = rng.randint(1, 500) * 100_00  # whole hundreds of yuan, shares whole percents
    if rng.random() < 0.3:
        record_sale(branch_id=seller.branch_id, customer_id=customer.id, seller_id=seller.id,
                    category=category, product_name="产品", amount_fen=amount, sold_at=at)  # fmt: skip
        return
    referrer = rng.choice(greeters + [s for s in sellers if s is not seller])
    second = None
    if rng.random() < 0.2:
        second = rng.choice([g for g in greeters if g is not referrer])
    visit = None
    if referrer in greeters and rng.random() < 0.7:
        with _at(at - timedelta(minutes=rng.randint(1, 20))):
            visit = check_in_visitor(
                staff=referrer, first_need=Need.WEALTH, customer_id=customer.id
            )
    with _at(at):
        referral = services.create_referral(
            referrer=referrer, receiver=seller, customer=customer, need=Need.WEALTH,
            check_in=visit, allow_busy=True, second_referrer=second,
        )  # fmt: skip
    at += timedelta(minutes=rng.randint(1, 240))
    others = [s for s in sellers if s is not seller and s is not referrer]
    if others and rng.random() < 0.1:
        with _at(at):
            services.reassign(referral, manager, rng.choice(others))
        seller = next(s for s in sellers if s.id == referral.receiver_id)
        at += timedelta(minutes=rng.randint(1, 60))
    if rng.random() < 0.08:
        with _at(at):
            services.dispute(referral, manager, "两人都说是自己引见的")
    ending = rng.choice(("won", "won", "won", "won", "lost", "open", "waiting"))
    if ending == "waiting":
        return
    with _at(at):
        services.accept(referral, seller)
    if ending == "open":
        return
    at = _later(rng, at)
    with _at(at):
        if ending == "lost":
            services.lose(referral, seller, "客户暂不需要")
            return
        services.win(referral, seller, category=category, product="产品", amount_fen=amount)
    if referral.credit_state is CreditState.PENDING and rng.random() < 0.85:
        _lines, open_bp = services.fixed_and_open(referral)
        takers = [referral.referrer_id] + ([second.id] if second else []) + [seller.id]
        takers = list(dict.fromkeys(takers))
        cuts = sorted(rng.randint(0, open_bp // 100) for _ in range(len(takers) - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, open_bp // 100], strict=True)]
        with _at(at + timedelta(minutes=rng.randint(1, 60 * 24 * 3))):
            services.allocate(referral, manager, {t: p * 100 for t, p in zip(takers, parts, strict=True)},
                              "按参与和贡献分配")  # fmt: skip


def _row_story(rng, sellers, greeters, customers, phases) -> dict:
    """The rows a story leaves (the split as services.fixed_and_open and allocate make it), as
    {"visit", "referral", "sale", "lines"} column values, written by _write_rows."""
    seller, customer, at = rng.choice(sellers), rng.choice(customers), _moment(rng)
    category = rng.choice(CATEGORIES)
    amount = rng.randint(1, 500) * 100_00
    sale = dict(branch_id=seller.branch_id, customer_id=customer.id, seller_id=seller.id,
                category=category, product_name="产品", amount_fen=amount, sold_at=at,
                source=SaleSource.OTHER)  # fmt: skip
    story = {"visit": None, "referral": None, "sale": None, "lines": []}
    if rng.random() < 0.3:
        story.update(sale=sale, lines=[(seller.id, CreditRole.SELLER, 10_000)])
        return story
    referrer = rng.choice(greeters + [s for s in sellers if s is not seller])
    second = rng.choice([g for g in greeters if g is not referrer]) if rng.random() < 0.2 else None
    if referrer in greeters and rng.random() < 0.7:
        story["visit"] = dict(branch_id=seller.branch_id, ticket=1, customer_id=customer.id,
                              first_need=Need.WEALTH, desk=Desk.LOBBY, checked_in_by_id=referrer.id,
                              created_at=at - timedelta(minutes=5), state=VisitState.REFERRED)  # fmt: skip
    referral = story["referral"] = dict(
        branch_id=seller.branch_id, referrer_id=referrer.id, receiver_id=seller.id,
        second_referrer_id=second and second.id, customer_id=customer.id, need=Need.WEALTH,
        referred_on=timeutil.local_date(at), created_at=at, disputed=rng.random() < 0.08,
        state=State.REFERRED, accepted_at=None, closed_at=None, won_amount_fen=None,
        won_category="", won_product="", credit_state=CreditState.NONE, phase_id=None,
    )  # fmt: skip
    ending = rng.choice(("won", "won", "won", "won", "lost", "open", "waiting"))
    if ending == "waiting":
        return story
    at += timedelta(minutes=rng.randint(1, 240))
    referral.update(state=State.ACCEPTED, accepted_at=at)
    if ending == "open":
        return story
    at = _later(rng, at)
    referral["closed_at"] = at
    if ending == "lost":
        referral["state"] = State.LOST
        return story
    referral.update(state=State.WON, won_amount_fen=amount, won_category=category.value,
                    won_product="产品")  # fmt: skip
    phase = next((p for p in phases if p.covers(referral["referred_on"])), None)
    lines = []
    if phase is not None and not referral["disputed"]:
        lines = [(seller.id, CreditRole.SELLER, phase.seller_bp)]
        if second is None:
            lines.insert(0, (referrer.id, CreditRole.REFERRER, phase.referrer_bp))
    open_bp = 10_000 - sum(bp for *_, bp in lines)
    referral["credit_state"] = CreditState.PENDING
    if open_bp:
        if rng.random() < 0.15:
            return story  # the manager has not allocated it yet
        takers = list(dict.fromkeys([referrer.id, *([second.id] if second else []), seller.id]))
        cuts = sorted(rng.randint(0, open_bp // 100) for _ in range(len(takers) - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, open_bp // 100], strict=True)]
        lines += [(t, CreditRole.MANUAL, p * 100) for t, p in zip(takers, parts, strict=True) if p]
    referral.update(credit_state=CreditState.SETTLED, phase_id=phase and phase.id)
    story.update(sale={**sale, "sold_at": at, "source": SaleSource.REFERRAL}, lines=lines)
    return story


def _insert(model, rows: list[dict]) -> list[int]:
    """Insert rows in one statement; their ids in order."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(_db.session.scalars(statement, rows))


def _write_rows(stories: list[dict]) -> None:
    """Write the stories' rows table by table, linking them by the ids each insert returns."""
    with_visit = [s for s in stories if s["visit"]]
    for story, visit_id in zip(with_visit, _insert(CheckIn, [s["visit"] for s in with_visit])):
        story["referral"]["check_in_id"] = visit_id
    referred = [s for s in stories if s["referral"]]
    rows = [{"check_in_id": None, **s["referral"]} for s in referred]
    for story, referral_id in zip(referred, _insert(Referral, rows), strict=True):
        story["referral_id"] = referral_id
        if story["sale"]:
            story["sale"]["source_id"] = referral_id
    sold = [s for s in stories if s["sale"]]
    sale_ids = _insert(Sale, [{"source_id": None, **s["sale"]} for s in sold])
    lines = []
    for story, sale_id in zip(sold, sale_ids, strict=True):
        sale = story["sale"]
        amounts = split_amount(sale["amount_fen"], [bp for *_, bp in story["lines"]])
        for (staff_id, role, bp), fen in zip(story["lines"], amounts, strict=True):
            lines.append(dict(sale_id=sale_id, staff_id=staff_id, role=role, share_bp=bp,
                              amount_fen=fen, sold_at=sale["sold_at"], category=sale["category"]))  # fmt: skip
        if story["referral"]:
            story["link"] = {"rid": story["referral_id"], "sid": sale_id}
    _insert(CreditLine, lines)
    links = [s["link"] for s in sold if "link" in s]
    if links:
        _db.session.execute(
            update(Referral.__table__)
            .where(Referral.__table__.c.id == bindparam("rid"))
            .values(sale_id=bindparam("sid")),
            links,
        )


# ---- the figures, through the query functions the views call -------------------------------


def _second_won(branch_id: int, lo: datetime, hi: datetime) -> dict[int, int]:
    """Referrals won in [lo, hi) per second referrer (the ledger counts them as taking part)."""
    params = {"branch_id": branch_id, "lo": lo, "hi": hi}
    return dict(_db.session.execute(_second_won_statement(), params).all())


@cache
def _second_won_statement():
    return (
        select(Referral.second_referrer_id, func.count())
        .where(Referral.branch_id == bindparam("branch_id"), Referral.state == State.WON,
               Referral.second_referrer_id.is_not(None), Referral.closed_at >= bindparam("lo"),
               Referral.closed_at < bindparam("hi"))
        .group_by(Referral.second_referrer_id)
    )  # fmt: skip


def _ledger(branch_id: int, start: date, end: date) -> tuple[dict, dict]:
    """The referral ledger of local days [start, end), by person, and its totals."""
    rows, totals = referral_queries.ledger(branch_id, start, end)
    return {r.staff_id: r for r in rows}, totals


def _counted(ids, start: date, end: date) -> dict:
    """The referral counts of the one-on-one and the huddles, for a period."""
    figs = (metrics.referrals_given, metrics.referrals_received, metrics.referrals_won,
            metrics.referrals_received_won)  # fmt: skip
    got = metrics.together(figs, ids, start, end)
    return {f.__name__: got[f] for f in figs}


def _agree_on_period(made: dict, start: date, end: date) -> dict:
    """The ledger of [start, end) against the referral counts and the credit of the same
    period: per person and for the branch. Returns what it read, for the callers' sums."""
    branch_id, ids = made["branch_id"], [p.id for p in made["people"]]
    ledger, totals = _ledger(branch_id, start, end)
    counted = _counted(ids, start, end)
    lo, hi = bounds(start, end)
    credit = credit_of(ids, lo, hi)
    second = _second_won(branch_id, lo, hi)
    for i in ids:
        row = ledger[i]
        assert row.given == counted["referrals_given"].get(i, 0)
        assert row.received == counted["referrals_received"].get(i, 0)
        took_part = (counted["referrals_won"].get(i, 0) + counted["referrals_received_won"].get(i, 0)
                     + second.get(i, 0))  # fmt: skip
        assert row.won == took_part, (row.name, start, end)
        assert row.credit_fen == (credit[i].referred if i in credit else 0)
    assert totals["given"] == sum(r.given for r in ledger.values())
    assert totals["credit_fen"] == sum(r.credit_fen for r in ledger.values())
    assert totals["won"] == sum(counted["referrals_won"].values())
    return {"ledger": ledger, "totals": totals, "counted": counted, "credit": credit}


def _check_month(made: dict, month: date) -> dict:
    """A month: progress table, monthly report, credit statements, ledger; the branch row."""
    branch_id = made["branch_id"]
    end = next_month(month)
    report = report_queries.monthly(branch_id, month)
    table = report["progress"]
    read = _agree_on_period(made, month, end)
    by_person = {r["person"].id: r for r in report["by_person"]}
    people = dict((p.id, cells) for p, cells in table["people"])
    assert set(people) == set(by_person) == {p.id for p in made["people"]}
    money = [m for m in (c.value for c in ProductCategory)]
    for staff_id, cells in people.items():
        credit = by_person[staff_id]["credit_fen"]
        referred = by_person[staff_id]["referral_credit_fen"]
        assert credit == sum(cells[m]["achieved"] for m in money if m in cells)
        assert credit == (read["credit"][staff_id].total if staff_id in read["credit"] else 0)
        assert referred == read["ledger"][staff_id].credit_fen
        if made["lived"]:
            lines, own = statement(staff_id, month)
            assert (own.total, own.referred) == (credit, referred)
            assert sum(line.amount_fen for line in lines) == credit
            assert sum(line.amount_fen for line in lines if line.referred) == referred
        won = cells.get(REFERRALS, {"achieved": 0})["achieved"]
        assert won == read["counted"]["referrals_won"].get(staff_id, 0)
    branch = table["branch"]
    for metric in [*money, NEW_CUSTOMERS, REFERRALS]:
        assert branch.get(metric, {"achieved": 0})["achieved"] == sum(
            c.get(metric, {}).get("achieved", 0) for c in people.values()
        ), metric
    assert branch.get(REFERRALS, {"achieved": 0})["achieved"] == read["totals"]["won"]
    assert report["total_fen"] == sum(r["credit_fen"] for r in report["by_person"])
    return {"report": report, "ledger": read["ledger"], "totals": read["totals"]}


def _agree_on_day(made: dict, day: date) -> dict:
    """A day: the ledger, the huddles' referrals won and sales, and the credit of the day."""
    of_day = _agree_on_period(made, day, day + timedelta(days=1))
    wins = coaching_queries.wins(made["people"], day)
    names = made["names"]
    for key, figure in (("given", "referrals_won"), ("received", "referrals_received_won")):
        counted = {names[i]: n for i, n in of_day["counted"][figure].items() if n}
        assert dict(wins[key]) == counted, (key, day)
    sales = coaching_queries.successes(made["branch_id"], day)
    assert sum(sale.amount_fen for sale, *_ in sales) == sum(
        c.total for c in of_day["credit"].values()
    )
    return of_day


def _check_week(made: dict, week: date, days: bool) -> dict:
    """A week: the one-on-ones, the weekly meeting and the trend against the ledger of the
    week; with `days`, each day's huddle figures, and the days adding up to the week."""
    branch_id, people = made["branch_id"], made["people"]
    end = week + timedelta(days=7)
    read = _agree_on_period(made, week, end)
    credit = read["credit"]
    meeting = {r["person"].id: r for r in report_queries.weekly(branch_id, week)["rows"]}
    shown = {}
    for person in people:
        of_week = credit[person.id].total if person.id in credit else 0
        assert meeting[person.id]["this_week"] == of_week
        if person.role not in SALES_ROLES:
            continue
        assert trend(person, week)[-1]["credit_fen"] == of_week
        with force_locale("en"):
            one_on_one = week_figures(person, week)
        figures = dict(one_on_one["figures"])
        month = week.replace(day=1)
        of_month = credit_of([person.id], *bounds(month, next_month(month)))
        figures["credit"] = one_on_one["credit"]
        assert one_on_one["credit"] == (of_month[person.id].total if of_month else 0)
        counted = read["counted"]
        assert figures["Referrals given"] == counted["referrals_given"].get(person.id, 0)
        assert figures["Referrals received"] == counted["referrals_received"].get(person.id, 0)
        assert figures["Referrals given and won"] == counted["referrals_won"].get(person.id, 0)
        assert figures["Referrals received and won"] == counted["referrals_received_won"].get(
            person.id, 0
        )
        shown[person.id] = figures
    if days:
        summed = defaultdict(int)
        for i in range(7):
            of_day = _agree_on_day(made, week + timedelta(days=i))
            for staff_id, row in of_day["ledger"].items():
                for field in LEDGER_FIELDS:
                    summed[staff_id, field] += getattr(row, field)
        for staff_id, row in read["ledger"].items():
            for field in LEDGER_FIELDS:
                assert summed[staff_id, field] == getattr(row, field), field
    return {"ledger": read["ledger"], "figures": shown, "credit": credit}


# ---- the same figures as the pages show them -------------------------------------------------


def _clean(fragment: str) -> str:
    """A piece of HTML as text, as conftest.text_of reads a page."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _rows(html: str) -> list[list[str]]:
    """Every table row of a page as the text of its cells."""
    return [
        [_clean(c) for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", html, re.S)
    ]


def _person_row(rows: list[list[str]], name: str) -> list[str]:
    """The row whose first cell is the person (their name, then their role)."""
    found = [r for r in rows if r and (r[0] == name or r[0].startswith(name + " "))]
    assert len(found) == 1, name
    return found[0]


def _fen(text: str) -> int:
    """A whole-yuan amount as a page writes it ("CN¥12,000.00", "12,000"), in fen."""
    return round(float(re.sub(r"[^\d.]", "", text)) * 100)


def _count(text: str) -> int:
    return int(text.replace(",", ""))


def _check_pages(app, client, rng, made: dict, month: date, read: dict, week: dict) -> int:
    """One branch's month and week through its pages; the number of figures compared."""
    seen = 0
    report, ledger, totals = read["report"], read["ledger"], read["totals"]
    table = report["progress"]
    people = dict((p.id, cells) for p, cells in table["people"])
    with app.test_request_context(), force_locale("en"):
        labels = {
            m: str(metric_label(m)) for m in [*(c.value for c in ProductCategory), *COUNT_METRICS]
        }
    # The progress table: each person's group of rows, label -> achieved.
    html = client.get(f"/reports/progress?month={month:%Y-%m}").get_data(as_text=True)
    groups = {}
    for group in re.findall(r"<tbody\b[^>]*>(.*?)</tbody>", html, re.S):
        rows = _rows(group)
        groups[rows[0][0]] = {r[-5]: r[-4] for r in rows if len(r) >= 5}
    for person in made["people"]:
        cells = next(v for k, v in groups.items() if k.startswith(person.name + " "))
        for metric, cell in people[person.id].items():
            value = cells[labels[metric]]
            got = _count(value) if metric in COUNT_METRICS else _fen(value)
            assert got == cell["achieved"], (person.name, metric)
            seen += 1
    for metric, cell in table["branch"].items():
        value = groups["Branch total"][labels[metric]]
        assert (_count(value) if metric in COUNT_METRICS else _fen(value)) == cell["achieved"]
        seen += 1
    # The monthly report's table by person, and its workbook.
    rows = _rows(client.get(f"/reports/monthly?month={month:%Y-%m}").get_data(as_text=True))
    book = load_workbook(BytesIO(client.get(f"/reports/monthly.xlsx?month={month:%Y-%m}").data))
    sheets = {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}
    by_person = sheets["By person"]
    head = by_person[0]
    sheet = {r[0]: dict(zip(head, r, strict=True)) for r in by_person[1:]}
    for r in report["by_person"]:
        name = r["person"].name
        cells = _person_row(rows, name)
        assert (_fen(cells[-2]), _fen(cells[-1])) == (r["credit_fen"], r["referral_credit_fen"])
        assert round(sheet[name]["Credit (yuan)"] * 100) == r["credit_fen"]
        assert round(sheet[name]["Referral credit (yuan)"] * 100) == r["referral_credit_fen"]
        seen += 4
    categories = sheets["Targets by category"]
    achieved = {r[0]: r[2] for r in categories[1:]}
    for metric, cell in table["branch"].items():
        scale = 1 if metric in COUNT_METRICS else 100
        assert round(achieved[labels[metric]] * scale) == cell["achieved"]
        seen += 1
    # The referral ledger of the month: every column of every person, and the totals.
    page = client.get(f"/referrals/ledger?period=month&date={month}")
    rows = _rows(page.get_data(as_text=True))
    for staff_id, row in ledger.items():
        cells = _person_row(rows, row.name)
        assert [_count(c) for c in cells[1:5]] == [row.given, row.received, row.accepted, row.won]
        assert (_fen(cells[5]), _fen(cells[6])) == (row.value_fen, row.credit_fen)
        seen += 6
    text = text_of(page)
    assert f"Won {totals['won']:,} " in text
    assert f"Referral credit CN¥{totals['credit_fen'] // 100:,}.00" in text
    # Each person's credit statement as the manager opens it.
    for person in made["people"]:
        own = next(r for r in report["by_person"] if r["person"].id == person.id)
        html = client.get(f"/reports/credit?month={month:%Y-%m}&person={person.id}")
        shown = re.search(
            r"Credit earned (\S+) Referral credit (\S+) Credit lines (\d+)", text_of(html)
        )
        assert (_fen(shown[1]), _fen(shown[2])) == (own["credit_fen"], own["referral_credit_fen"])
        lines = [r for r in _rows(html.get_data(as_text=True)) if len(r) == 8][1:]
        assert len(lines) == int(shown[3])
        assert sum(_fen(r[-1]) for r in lines) == own["credit_fen"]
        seen += 3
    # The one-on-ones of the week (and their month's credit), the weekly meeting.
    first_week = week["monday"]
    for person in made["sellers"]:
        text = text_of(client.get(f"/coaching/one-on-ones/{person.id}?week={first_week}"))
        figures = week["figures"][person.id]
        for label in ("Referrals given", "Referrals received", "Referrals given and won",
                      "Referrals received and won"):  # fmt: skip
            assert f" {label} {figures[label]} " in text, (person.name, label)
            seen += 1
        shown = re.search(r"Credit this month \(yuan\) ([\d,]+)", text).group(1)
        assert _fen(shown) == figures["credit"]
        seen += 1
    rows = _rows(client.get(f"/reports/weekly?week={first_week}").get_data(as_text=True))
    for person in made["people"]:
        credit = week["credit"].get(person.id)
        cells = _person_row(rows, person.name)
        assert _fen(cells[1]) == (credit.total if credit else 0), person.name
        seen += 1
    # The huddles of the week's days: referrals won, given and received, and the evening's
    # ledger of the day.
    for day in (week["days"][0], week["days"][-1], *rng.sample(week["days"][1:-1], 1)):
        evening = text_of(client.get(f"/coaching/huddles/evening?day={day}"))
        morning = text_of(client.get(f"/coaching/huddles/morning?day={day + timedelta(days=1)}"))
        with app.app_context():
            wins = coaching_queries.wins(made["people"], day)
            _, of_day = referral_queries.ledger(made["branch_id"], day, day + timedelta(days=1))
        for text in (evening, morning):
            for label, key in (("Referrals given and won:", "given"),
                               ("Referrals received and won:", "received")):  # fmt: skip
                assert re.search(rf"{label} {_joined(wins[key])} ·", text), (label, day)
                seen += 1
        assert f"Referral credit CN¥{of_day['credit_fen'] // 100:,}.00" in evening
        seen += 1
    return seen


def _joined(ranked: list[tuple[str, int]]) -> str:
    """The huddle's list of (name, n) as the page writes it."""
    return "、 ".join(f"{name} {n}" for name, n in ranked) if ranked else "none"


def test_every_figure_agrees_on_every_screen(app, db, client, login_as):
    """Two hundred seeded random branches: every person's figures equal on every screen."""
    rng = random.Random(SEED)
    compared = 0
    for n in range(BRANCHES):
        sample = n % PAGES_EVERY == 0
        checked = []
        with app.test_request_context():
            made = _make_branch(rng, n, lived=sample)
            for month in MONTHS:
                read = _check_month(made, month)
                straddling = month - timedelta(days=month.weekday())  # holds the month's edge
                if sample:
                    week = _check_week(made, straddling, days=True)
                    _check_week(made, straddling + timedelta(weeks=rng.randint(1, 3)), days=False)
                    days = [straddling + timedelta(days=i) for i in range(7)]
                    checked.append((month, read, {**week, "monday": straddling, "days": days}))
                elif month == MONTHS[-1]:
                    _check_week(made, straddling, days=False)
                    _agree_on_day(made, month)
        if sample:
            login_as(made["manager"])
            for month, read, week in checked:
                compared += _check_pages(app, client, rng, made, month, read, week)
    assert compared > 1000
