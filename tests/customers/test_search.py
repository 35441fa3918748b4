"""Searching by mobile matches only what the searcher may see; narrowing searches are audited
and throttled (issue 17, item 7)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_customer, make_staff
from webapp.auth.models import Role
from webapp.customers.models import CustomerSearch
from webapp.extensions import db as _db
from webapp.timeutil import now_naive

HX = {"HX-Request": "true"}
MOBILE = "13912345678"


@pytest.fixture
def hidden(branch):
    """An account manager's customer: everyone else in the branch sees 139****5678."""
    owner = make_staff(Role.RETAIL_AM, branch, name="王建国")
    return make_customer(branch, name="钱多多", mobile=MOBILE, owner_id=owner.id), owner


def _searches(app) -> list[tuple[str, int, bool]]:
    with app.app_context():
        rows = _db.session.scalars(select(CustomerSearch).order_by(CustomerSearch.id))
        return [(r.term, r.matched, r.refused) for r in rows]


def _found(client, url: str, term: str) -> bool:
    response = client.get(url, query_string={"q": term}, headers=HX)
    assert response.status_code == 200, term
    return "钱多多" in text_of(response)


@pytest.mark.parametrize("url", ["/customers/", "/customers/picker"])
def test_a_teller_cannot_uncover_hidden_digits_one_at_a_time(app, client, login_as, hidden, url):
    """A digit before the known last four matches nothing, whatever the digit: the hidden
    middle of the number cannot be recovered by trying each digit."""
    login_as(Role.TELLER)
    assert _found(client, url, "5678")
    assert not any(_found(client, url, f"{d}5678") for d in "0123456789")
    assert not _found(client, url, "345678") and not _found(client, url, "1391234")


@pytest.mark.parametrize("url", ["/customers/", "/customers/picker"])
def test_the_whole_number_finds_the_customer_and_is_audited(app, client, login_as, hidden, url):
    """The whole number, as the customer says it, still finds them (masked); the search is
    recorded with who made it, and the last four alone are not (nothing is narrowed)."""
    teller = login_as(Role.TELLER)
    response = client.get(url, query_string={"q": MOBILE}, headers=HX)
    assert "钱多多" in text_of(response) and "139****5678" in text_of(response)
    assert MOBILE not in response.get_data(as_text=True)
    _found(client, url, "5678")
    _found(client, url, "15678")
    assert _searches(app) == [(MOBILE, 1, False), ("15678", 0, False)]
    with app.app_context():
        assert {r.staff_id for r in _db.session.scalars(select(CustomerSearch))} == {teller.id}


def test_the_owner_searches_their_own_customers_numbers_in_full(app, client, login_as, hidden):
    """Who may see the whole number may search any tail of it (audited all the same)."""
    _customer, owner = hidden
    login_as(owner)
    assert _found(client, "/customers/", "2345678")
    assert _searches(app) == [("2345678", 1, False)]


def test_narrowing_searches_are_throttled(app, client, login_as, hidden, monkeypatch):
    """Past the limit in the window: a translated 429, nothing found, and the refusal audited;
    searches older than the window do not count, short ones never do."""
    monkeypatch.setitem(app.config, "MOBILE_SEARCH_LIMIT", 3)
    teller = login_as(Role.TELLER)
    with app.app_context():
        old = now_naive() - timedelta(minutes=61)
        for n in range(5):
            _db.session.add(
                CustomerSearch(
                    staff_id=teller.id, branch_id=teller.branch_id, term=f"1390000000{n}",
                    searched_at=old,
                )
            )  # fmt: skip
        _db.session.commit()
    for guess in ("13900000000", "13900000001", "13900000002"):
        assert not _found(client, "/customers/", guess)
    refused = client.get("/customers/", query_string={"q": MOBILE}, headers=HX)
    assert refused.status_code == 429
    assert "钱多多" not in text_of(refused) and "按手机号搜索次数过多" in text_of(refused)
    page = client.get("/customers/picker", query_string={"q": MOBILE}, headers=HX)
    assert page.status_code == 429 and "钱多多" not in text_of(page)
    full_page = client.get("/customers/", query_string={"q": MOBILE})
    assert full_page.status_code == 429 and "钱多多" not in text_of(full_page)
    assert _searches(app)[-3:] == [(MOBILE, 0, True)] * 3
    assert _found(client, "/customers/", "5678")  # the last four are never throttled
