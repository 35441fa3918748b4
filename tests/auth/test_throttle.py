"""The sign-in throttle: per username and address, and per username; never per address alone
(a whole branch signs in from behind one address); the administrator sees the failures."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from tests.conftest import Client, text_of
from tests.factories import PASSWORD, make_branch, make_staff
from webapp.auth.models import Role

BRANCH_NAT = "203.0.113.7"  # the whole branch behind one address
MORNING = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def attempt(client, username: str, password: str, address: str = BRANCH_NAT):
    """One sign-in through the form from an address."""
    return client.post_form(
        "/login",
        {"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_fifty_failures_from_one_address_never_lock_out_a_colleague(app, client, branch):
    """60 failures from the branch's address (a colleague mistyping, someone guessing names)
    do not stop anyone else at that address from signing in with their password."""
    clumsy = make_staff(Role.TELLER, branch)
    colleague = make_staff(Role.RETAIL_AM, branch)
    for n in range(60):
        username = clumsy.username if n < 4 else f"guess{n}"
        assert attempt(client, username, "wrong-password").status_code == 200
    other = Client(app.test_client())
    response = attempt(other, colleague.username, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/today"


def test_failures_for_one_username_at_one_address_refuse_even_the_right_password(
    app, client, branch
):
    """Five failures for a name from an address: the sixth try from there is refused, with the
    right password too; the same person from another address, and colleagues, are not."""
    staff = make_staff(Role.TELLER, branch)
    colleague = make_staff(Role.TELLER, branch)
    for _ in range(5):
        attempt(client, staff.username, "wrong-password", address="198.51.100.9")
    refused = attempt(client, staff.username, PASSWORD, address="198.51.100.9")
    assert refused.status_code == 429
    assert "此用户名登录失败次数过多，请 5 分钟后再试。" in text_of(refused)
    assert 'class="field__error"' in refused.get_data(as_text=True)
    elsewhere = attempt(Client(app.test_client()), staff.username, PASSWORD, address=BRANCH_NAT)
    assert elsewhere.status_code == 302
    same_address = attempt(
        Client(app.test_client()), colleague.username, PASSWORD, address="198.51.100.9"
    )
    assert same_address.status_code == 302


def test_failures_for_one_username_from_many_addresses_are_throttled(app, client, branch):
    """20 failures for one name spread over addresses stop that name from any address, for a
    while; a colleague is not affected, and the name is free again when the window passes."""
    staff = make_staff(Role.BRANCH_MANAGER, branch)
    colleague = make_staff(Role.TELLER, branch)
    with time_machine.travel(MORNING, tick=False) as clock:
        for n in range(20):
            attempt(client, staff.username.upper(), "wrong-password", address=f"192.0.2.{n % 5}")
        refused = attempt(client, staff.username, PASSWORD, address="192.0.2.200")
        assert refused.status_code == 429
        assert attempt(client, colleague.username, PASSWORD).status_code == 302
        clock.shift(timedelta(minutes=16))
        assert attempt(Client(app.test_client()), staff.username, PASSWORD).status_code == 302


def test_refused_attempts_are_not_counted_again(app, client, branch, db):
    """A throttled attempt writes no failure, so hammering does not extend the lock."""
    from webapp.auth.models import SignInFailure

    staff = make_staff(Role.TELLER, branch)
    for _ in range(8):
        attempt(client, staff.username, "wrong-password")
    with app.app_context():
        rows = db.session.scalars(
            select(SignInFailure).where(SignInFailure.username == staff.username)
        ).all()
        assert len(rows) == 5
        assert {r.address for r in rows} == {BRANCH_NAT}
        assert {r.staff_id for r in rows} == {staff.id}


def test_the_administrator_sees_the_failures_of_their_region(app, client, login_as, db):
    """Username, person, address and what failed; another region's people are not shown; a
    branch manager cannot open the list."""
    region = make_branch("浦东管辖行")
    inside = make_branch("陆家嘴支行", parent=region)
    elsewhere = make_branch("徐汇支行")
    ours = make_staff(Role.TELLER, inside, name="王柜员")
    theirs = make_staff(Role.TELLER, elsewhere, name="李柜员")
    attempt(client, ours.username, "wrong-password", address="198.51.100.23")
    attempt(client, theirs.username, "wrong-password", address="198.51.100.24")
    attempt(client, "no-such-person", "wrong-password", address="198.51.100.25")
    login_as(Role.BRANCH_MANAGER, branch=inside)
    assert client.get("/staff/sign-in-failures").status_code == 403
    login_as(Role.ADMIN, branch=region)
    page = text_of(client.get("/staff/sign-in-failures"))
    assert "登录失败记录" in page
    assert ours.username in page and "王柜员 · 陆家嘴支行" in page and "198.51.100.23" in page
    assert "no-such-person" in page and "无此用户" in page and "198.51.100.25" in page
    assert theirs.username not in page and "198.51.100.24" not in page
    staff_page = client.get("/staff")
    assert "/staff/sign-in-failures" in staff_page.get_data(as_text=True)
