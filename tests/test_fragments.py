"""Markup rendered once and reused (webapp/fragments.py, home/nav.py): never another
session's token, another language, another branch's setting or another page's current entry."""

import re

from sqlalchemy import select

from tests.conftest import Client, text_of
from tests.factories import make_staff
from webapp.auth.models import Role
from webapp.fragments import CSRF_SLOT
from webapp.lobby.models import CheckIn

FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def _sign_in(app, staff) -> Client:
    client = Client(app.test_client())
    with client.raw.session_transaction() as session:
        session["_user_id"] = staff.get_id()
        session["_fresh"] = True
    return client


def test_each_session_gets_its_own_token_in_the_reused_check_in_form(app, db, branch):
    """Two tablets get the same panel with their own CSRF token, and each token checks in."""
    tablets = [_sign_in(app, make_staff(Role.LOBBY_MANAGER, branch)) for _ in range(2)]
    tokens = []
    for tablet in tablets:
        html = tablet.get("/lobby/").get_data(as_text=True)
        assert CSRF_SLOT not in html
        form_token = FORM_TOKEN.search(html).group(1)
        assert form_token == HEADER_TOKEN.search(html).group(1)  # this session's token
        tokens.append(form_token)
    assert tokens[0] != tokens[1]
    for tablet, token in zip(tablets, tokens, strict=True):
        response = tablet.post(
            "/lobby/check-ins", data={"csrf_token": token, "first_need": "deposit"}
        )
        assert response.status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(CheckIn)).all()) == 2


def test_the_reused_check_in_form_follows_language_and_desk(app, db, branch):
    """Chinese and English panels differ; the teller's form says it is the counter."""
    lobby = _sign_in(app, make_staff(Role.LOBBY_MANAGER, branch))
    english = _sign_in(app, make_staff(Role.LOBBY_MANAGER, branch, locale="en"))
    teller = _sign_in(app, make_staff(Role.TELLER, branch))
    assert "登记到店客户" in text_of(lobby.get("/lobby/"))
    assert "Check in a walk-in" in text_of(english.get("/lobby/"))
    assert 'name="desk" type="hidden" value="lobby"' in lobby.get("/lobby/").get_data(as_text=True)
    assert 'name="desk" type="hidden" value="counter"' in teller.get("/lobby/").get_data(
        as_text=True
    )


def test_the_reused_navigation_marks_the_page_it_is_on(app, db, branch):
    """The same role's navigation, reused, points at the page being shown."""
    client = _sign_in(app, make_staff(Role.LOBBY_MANAGER, branch))
    current = re.compile(r'<a href="([^"]+)" aria-current="page">')
    assert set(current.findall(client.get("/lobby/").get_data(as_text=True))) == {"/lobby/"}
    assert set(current.findall(client.get("/me").get_data(as_text=True))) == {"/me"}


def test_a_board_row_is_rendered_again_when_what_it_shows_changes(
    app, db, branch, client, login_as, monkeypatch
):
    """Board rows are reused only while their values stay the same: a renamed customer, a
    visit being served, a minute more of waiting and the other language all show at once."""
    from datetime import datetime, time, timedelta

    from tests.factories import make_customer
    from webapp import timeutil

    me = login_as(Role.LOBBY_MANAGER, name="孙婷婷")
    customer = make_customer(branch, name="赵一", mobile="13800001234")
    with app.app_context():
        # 10:00 today, whatever the clock says: three minutes before it stays today.
        checked = timeutil.local_to_utc(datetime.combine(timeutil.local_today(), time(10)))
        db.session.add(
            CheckIn(
                branch_id=branch.id,
                ticket=7,
                customer_id=customer.id,
                first_need="loan",
                checked_in_by_id=me.id,
                created_at=checked - timedelta(minutes=3),
            )
        )
        db.session.commit()
        visit_id = db.session.scalar(select(CheckIn.id))
    hx = {"HX-Request": "true"}
    monkeypatch.setattr(timeutil, "now_naive", lambda: checked)
    first = text_of(client.get("/lobby/rows", headers=hx))
    assert "赵一" in first and "138****1234" in first and "等候3分钟" in first
    assert text_of(client.get("/lobby/rows", headers=hx)) == first  # the same row, reused

    monkeypatch.setattr(timeutil, "now_naive", lambda: checked + timedelta(minutes=1))
    assert "等候4分钟" in text_of(client.get("/lobby/rows", headers=hx))
    with app.app_context():
        db.session.get(type(customer), customer.id).name = "赵一鸣"
        db.session.commit()
    assert "赵一鸣" in text_of(client.get("/lobby/rows", headers=hx))
    served = client.post_form(f"/lobby/check-ins/{visit_id}/serve", {}, page="/lobby/", headers=hx)
    assert "办理中" in text_of(served) and "孙婷婷" in text_of(served)

    english = _sign_in(app, make_staff(Role.LOBBY_MANAGER, branch, locale="en"))
    rows = text_of(english.get("/lobby/rows", headers=hx))
    assert "Being served" in rows and "办理中" not in rows


def test_reused_rows_are_bounded(app, db, branch, client, login_as, monkeypatch):
    """The row store empties itself at its bound and renders on, never growing without end."""
    from webapp import fragments

    me = login_as(Role.LOBBY_MANAGER)
    monkeypatch.setattr(fragments, "MAX_ROWS", 2)
    monkeypatch.setattr(fragments, "_rows", {})
    with app.app_context():
        for ticket in (1, 2, 3):
            db.session.add(
                CheckIn(
                    branch_id=branch.id, ticket=ticket, first_need="loan", checked_in_by_id=me.id
                )
            )
        db.session.commit()
    rows = client.get("/lobby/rows", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert len(re.findall(r'class="visit__ticket">\d+<', rows)) == 3
    assert len(fragments._rows) <= 2


def test_a_reused_prospect_row_follows_who_looks_and_carries_their_own_token(app, db, branch):
    """The same prospect's row for its owner and for the manager: only the manager sees whose it
    is, both may move it, each row form holds its own session's token, and the move works."""
    from tests.factories import _save, make_customer
    from webapp.prospects.models import Prospect
    from webapp.sales.models import ProductCategory

    owner = make_staff(Role.RETAIL_AM, branch, name="王磊")
    customer = make_customer(branch, owner_id=owner.id, name="钱进")
    prospect = _save(
        Prospect(
            branch_id=branch.id,
            customer_id=customer.id,
            owner_id=owner.id,
            category=ProductCategory.FUND,
        )
    )
    row_token = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')
    seen = {}
    for who in (owner, make_staff(Role.BRANCH_MANAGER, branch)):
        client = _sign_in(app, who)
        page = client.get("/prospects/")
        html = page.get_data(as_text=True)
        assert "钱进" in html and CSRF_SLOT not in html
        assert row_token.search(html).group(1) == HEADER_TOKEN.search(html).group(1)
        seen[who.role] = (client, row_token.search(html).group(1), page)
    assert "管户人 王磊" not in text_of(seen[Role.RETAIL_AM][2])
    assert "管户人 王磊" in text_of(seen[Role.BRANCH_MANAGER][2])
    assert seen[Role.RETAIL_AM][1] != seen[Role.BRANCH_MANAGER][1]
    client, token, _page = seen[Role.RETAIL_AM]
    moved = client.post(
        f"/prospects/{prospect.id}/stage",
        data={"csrf_token": token, "stage": "contacted", "from": "list"},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 200 and 'value="appointment_set"' in moved.get_data(as_text=True)
