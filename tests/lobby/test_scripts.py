"""Issue 19, the lobby as a service station: the branch's scripts (话术) per need, edited by the
branch manager, shown on the check-in screen for the need tapped."""

import re

from sqlalchemy import func, select

from tests.conftest import text_of
from tests.factories import make_branch, make_staff
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.lobby.models import Need, Script

GREETING = "您好，想了解理财是吗？我先帮您登记一下。"
REFERRAL = "这是我们的理财经理林晓燕，专门帮客户做资产规划。"


def _save(client, **fields):
    return client.post_form("/lobby/scripts", fields, page="/lobby/scripts")


def test_the_branch_manager_edits_and_the_check_in_screen_shows_the_needs_script(
    app, db, client, login_as, branch
):
    """The manager writes the 理财 scripts; the lobby manager's check-in screen carries them
    for the 理财 need (shown when it is tapped), and blank needs keep no row."""
    login_as(Role.BRANCH_MANAGER)
    answer = _save(client, **{"greeting-wealth": GREETING, "referral-wealth": f" {REFERRAL} "})
    assert answer.status_code == 302
    assert "话术已保存" in text_of(client.get(answer.headers["Location"]))
    with app.app_context():
        rows = _db.session.scalars(select(Script)).all()
        assert [(s.need, s.greeting, s.referral) for s in rows] == [
            (Need.WEALTH, GREETING, REFERRAL)
        ]
    login_as(Role.LOBBY_MANAGER)
    html = client.get("/lobby/").get_data(as_text=True)
    script = re.search(r'<div class="script" data-need="wealth">(.*?)</div>', html, re.S)
    assert script and GREETING in script.group(1) and REFERRAL in script.group(1)
    assert "点选首要需求即可看到对应话术" in html
    assert 'href="/lobby/scripts">全部话术' in html  # the lobby manager reads them all there


def test_the_lobby_manager_reads_but_cannot_change_them(app, db, client, login_as, branch):
    """The lobby manager sees the scripts read-only and a POST is refused; a teller and another
    branch's manager do not see them."""
    login_as(Role.BRANCH_MANAGER)
    _save(client, **{"greeting-deposit": GREETING})
    login_as(Role.LOBBY_MANAGER)
    page = client.get("/lobby/scripts")
    assert page.status_code == 200 and "readonly" in page.get_data(as_text=True)
    assert GREETING in page.get_data(as_text=True) and "保存话术" not in text_of(page)
    assert _save(client, **{"greeting-deposit": "改掉"}).status_code == 403
    login_as(Role.TELLER)
    assert client.get("/lobby/scripts").status_code == 403
    login_as(make_staff(Role.BRANCH_MANAGER, make_branch("张江支行")))
    assert GREETING not in client.get("/lobby/scripts").get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(Script.greeting)) == GREETING
        assert _db.session.scalar(select(func.count(Script.id))) == 1


def test_a_script_too_long_is_shown_beside_its_field_and_kept(app, db, client, login_as):
    """501 characters: the message sits beside that field, every typed text stays, nothing is
    saved."""
    login_as(Role.BRANCH_MANAGER)
    long = "长" * 501
    answer = _save(client, **{"greeting-card": GREETING, "referral-card": long})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert re.search(r'id="referral-card"[^>]*aria-invalid="true"', html)
    assert "最多500个字" in text_of(answer)
    assert GREETING in html and long in html
    with app.app_context():
        assert _db.session.scalar(select(func.count(Script.id))) == 0
