"""Each main page runs the same number of SQL statements on a small branch and one ~10x larger.

The rows are made with the domains' own services (tests/factories.py and services.*), so the
pages read what the app really writes: customers, prospects, referrals (some won, with credit
lines), walk-ins, schedule entries and sales.
"""

import re
import uuid
from datetime import timedelta

import pytest

from tests.factories import make_customer, make_sale, make_staff
from tests.querycount import count_statements
from webapp.auth.models import Role
from webapp.customers.models import CustomerKind
from webapp.extensions import db as _db
from webapp.lobby.models import Need
from webapp.sales.models import ProductCategory
from webapp.timeutil import day_start_utc, local_today

PAGES = {
    Role.RETAIL_AM: [
        "/today",
        "/customers/",
        "/customers/?q=1",
        "/prospects/",
        "/prospects/?q=1",
        "/referrals/",
        "/schedule/",
        "/schedule/week",
        "/kit/",
    ],
    Role.BRANCH_MANAGER: [
        "/dashboard",
        "/lobby/",
        "/lobby/rows",
        "/referrals/ledger",
        "/reports/progress",
        "/reports/monthly",
        "/coaching/one-on-ones/",
        "/coaching/one-on-ones/{owner}",
    ],
    Role.ADMIN: ["/region"],
}

HX = {"HX-Request": "true"}


def _grow(app, branch, owners, manager, n):
    """Add n customers and, for each, a prospect, a referral, a walk-in, an entry and a sale."""
    from webapp.auth.models import Staff
    from webapp.customers.models import Customer
    from webapp.lobby.services import check_in_visitor
    from webapp.prospects.services import create_prospect
    from webapp.referrals import services as referrals
    from webapp.schedule.models import EntryKind
    from webapp.schedule.services import add_entry

    customers = [
        make_customer(
            branch,
            kind=CustomerKind.SME if i % 3 == 0 else CustomerKind.INDIVIDUAL,
            owner_id=owners[i % len(owners)].id,
        )
        for i in range(n)
    ]
    for i, customer in enumerate(customers):
        make_sale(branch, owners[i % len(owners)], customer, 100_000 + i)
    with app.test_request_context():
        staff = [_db.session.get(Staff, s.id) for s in owners]
        lobby = _db.session.get(Staff, manager.id)
        today = local_today()
        now = day_start_utc(today) + timedelta(hours=2)
        for i, c in enumerate(customers):
            customer = _db.session.get(Customer, c.id)
            owner, other = staff[i % len(staff)], staff[(i + 1) % len(staff)]
            create_prospect(
                customer=customer,
                owner=owner,
                data={"category": ProductCategory.DEPOSIT, "next_follow_up": today},
            )
            add_entry(
                staff_id=owner.id,
                branch_id=owner.branch_id,
                kind=EntryKind.OTHER,
                title=f"任务{i}",
                starts_at=now + timedelta(minutes=i),
                customer_id=customer.id,
            )
            check_in_visitor(staff=lobby, first_need=Need.DEPOSIT, customer_id=customer.id)
            if other.id != owner.id:
                referral = referrals.create_referral(
                    referrer=other,
                    receiver=owner,
                    customer=customer,
                    need=Need.DEPOSIT,
                    allow_busy=True,
                )
                if i % 2:
                    referrals.accept(referral, owner)
                    referrals.win(
                        referral,
                        owner,
                        category=ProductCategory.DEPOSIT,
                        product="定期存款",
                        amount_fen=5_000_00,
                    )
        _db.session.commit()


def _counts(app, client, staff, paths):
    with client.raw.session_transaction() as session:
        session["_user_id"] = staff.get_id()
    counts = {}
    with app.app_context():
        engine = _db.engine
    for path in paths:
        # A first visit may create per-branch defaults once (e.g. referral criteria): not counted.
        fragment = path.endswith("/rows")
        headers = {"HX-Request": "true"} if fragment else {}
        client.get(path, headers=headers)
        with count_statements(engine) as statements:
            response = client.get(path, headers=headers)
            assert response.status_code == 200, path
        counts[path] = len(statements)
    return counts


@pytest.mark.parametrize("role", list(PAGES))
def test_statement_count_does_not_grow_with_rows(app, client, branch, role):
    """Grow the branch tenfold: every page's statement count stays the same."""
    owner = make_staff(Role.RETAIL_AM, branch)
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    manager = make_staff(Role.BRANCH_MANAGER, branch)
    viewer = {Role.RETAIL_AM: owner, Role.BRANCH_MANAGER: manager}.get(role) or make_staff(
        role, branch
    )
    paths = [p.format(owner=owner.id) for p in PAGES[role]]
    _grow(app, branch, [owner, wealth], manager, 4)
    small = _counts(app, client, viewer, paths)
    _grow(app, branch, [owner, wealth], manager, 36)
    large = _counts(app, client, viewer, paths)
    grown = {p: (small[p], large[p]) for p in paths if small[p] != large[p]}
    assert not grown, grown
    assert all(n <= 25 for n in large.values()), large


def test_the_customer_story_costs_the_same_however_long_it_is(app, client, login_as, branch):
    """One customer with 3, then 60 of each kind of record: the story's first page and a
    later page run the same number of statements."""
    from webapp.appointments.models import Call, Outcome
    from webapp.lobby.models import CheckIn

    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id)
    url = f"/customers/{customer.id}/story"

    def grow(n):
        with app.app_context():
            for _i in range(n):
                _db.session.add(Call(branch_id=branch.id, staff_id=me.id, customer_id=customer.id, outcome=Outcome.NO_ANSWER, client_id=str(uuid.uuid4())))  # fmt: skip
                _db.session.add(CheckIn(branch_id=branch.id, ticket=1, customer_id=customer.id, first_need=Need.DEPOSIT, checked_in_by_id=me.id))  # fmt: skip
            _db.session.commit()
        for _i in range(n):
            make_sale(branch, me, customer, 10_000_00)

    def count():
        with app.app_context():
            engine = _db.engine
        client.get(url, headers=HX)
        with count_statements(engine) as statements:
            first = client.get(url, headers=HX)
        more = re.search(r'hx-get="([^"]+)"', first.get_data(as_text=True))
        later = more.group(1).replace("&amp;", "&") if more else url
        with count_statements(engine) as later_statements:
            assert client.get(later, headers=HX).status_code == 200
        return len(statements), len(later_statements)

    grow(3)
    small = count()
    grow(57)
    assert count() == small
