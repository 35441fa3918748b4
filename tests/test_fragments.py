"""Markup rendered once and reused (webapp/fragments.py, templating.nav): never another
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
