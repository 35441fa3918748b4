"""Each main page runs the same number of SQL statements with 10 rows or with 100 (no N+1)."""

import pytest

from tests.factories import make_customer, make_staff
from tests.querycount import count_statements
from webapp.auth.models import Role
from webapp.customers.models import CustomerKind
from webapp.extensions import db as _db

PAGES = {
    Role.RETAIL_AM: ["/today", "/customers/", "/customers/?q=1"],
    Role.BRANCH_MANAGER: ["/dashboard", "/lobby/"],
    Role.ADMIN: ["/region"],
}


def _grow(branch, owners, n):
    for i in range(n):
        make_customer(
            branch,
            kind=CustomerKind.SME if i % 3 == 0 else CustomerKind.INDIVIDUAL,
            owner_id=owners[i % len(owners)].id,
        )


def _counts(app, client, staff, paths):
    with client.raw.session_transaction() as session:
        session["_user_id"] = staff.get_id()
    counts = {}
    with app.app_context():
        engine = _db.engine
    for path in paths:
        with count_statements(engine) as statements:
            assert client.get(path).status_code == 200
        counts[path] = len(statements)
    return counts


@pytest.mark.parametrize("role", list(PAGES))
def test_statement_count_does_not_grow_with_rows(app, client, branch, role):
    """Grow the branch tenfold: every page's statement count stays the same."""
    owner = make_staff(Role.RETAIL_AM, branch)
    viewer = owner if role == Role.RETAIL_AM else make_staff(role, branch)
    _grow(branch, [owner], 10)
    small = _counts(app, client, viewer, PAGES[role])
    _grow(branch, [owner, make_staff(Role.WEALTH_MANAGER, branch)], 90)
    large = _counts(app, client, viewer, PAGES[role])
    assert small == large
    assert all(n <= 12 for n in large.values()), large
