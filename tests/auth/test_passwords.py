"""Changing one's own password under the policy, and one-time passwords from a manager or an
administrator that must be changed at the next sign-in."""

import re

import pytest

from tests.auth.test_sessions import cookie_of, replay, sign_in, signed_in
from tests.conftest import Client, text_of
from tests.factories import PASSWORD, make_branch, make_staff
from webapp.auth.models import Role, Staff

NEW_PASSWORD = "lantern orchid 陆家嘴 ferry"


def change(client, current: str, new: str, confirm: str | None = None, **kwargs):
    """Send the change-password form."""
    data = {"current": current, "new": new, "confirm": new if confirm is None else confirm}
    return client.post_form("/account/password", data, **kwargs)


def test_the_me_page_links_to_changing_the_password(client, login_as):
    """我的 → 安全 → 修改密码."""
    login_as(Role.TELLER)
    html = client.get("/me").get_data(as_text=True)
    assert 'href="/account/password"' in html and "修改密码" in text_of(client.get("/me"))


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short1!", "至少使用 10 个字符。"),
        ("{username}-lujiazui-2026", "密码不得包含您的用户名。"),
        ("password1234", "此密码太容易被猜到"),
        ("qwertyuiop123", "此密码太容易被猜到"),
        (PASSWORD, "新密码不能与当前密码相同。"),
    ],
)
def test_a_weak_new_password_is_refused_beside_the_field(app, client, branch, db, new, message):
    """Too short, containing the username, common or unchanged: said beside the field, the
    password stays as it was."""
    staff = make_staff(Role.TELLER, branch)
    sign_in(client, staff)
    response = change(client, PASSWORD, new.format(username=staff.username))
    assert response.status_code == 200
    assert message in text_of(response)
    assert 'class="field__error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Staff, staff.id).check_password(PASSWORD)


def test_a_wrong_current_password_or_a_mismatch_is_refused(client, branch):
    """The current password must be right and the new one typed twice the same."""
    staff = make_staff(Role.TELLER, branch)
    sign_in(client, staff)
    assert "当前密码不正确。" in text_of(change(client, "not-my-password", NEW_PASSWORD))
    mismatch = change(client, PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert "两次输入的新密码不一致。" in text_of(mismatch)


def test_changing_the_password_signs_out_other_devices_and_keeps_this_one(app, client, branch):
    """The new password works, the old one not; other devices (and copied cookies) are out."""
    staff = make_staff(Role.TELLER, branch)
    phone = Client(app.test_client())
    sign_in(phone, staff, remember=True)
    sign_in(client, staff)
    copied = cookie_of(client)
    response = change(client, PASSWORD, NEW_PASSWORD, follow_redirects=True)
    assert "密码已修改。您在其他设备上的登录已被退出。" in text_of(response)
    assert signed_in(client)
    assert not signed_in(phone) and not signed_in(replay(app, copied))
    client.post_form("/logout", {}, page="/me")
    old = client.post_form("/login", {"username": staff.username, "password": PASSWORD})
    assert "用户名或密码错误。" in text_of(old)
    new = client.post_form("/login", {"username": staff.username, "password": NEW_PASSWORD})
    assert new.status_code == 302


def issue(client, person) -> str:
    """Issue a one-time password from the staff page; returns it as shown."""
    response = client.post_form(f"/staff/{person.id}/one-time-password", {}, page="/staff")
    assert response.status_code == 200, response.status_code
    match = re.search(
        r'<code class="one-time-password">([^<]+)</code>', response.get_data(as_text=True)
    )
    assert match
    return match.group(1)


def test_a_manager_issues_a_one_time_password_that_must_be_changed(app, client, branch, login_as):
    """The teller's sessions end; signing in with it leads to changing it, nothing else opens
    until then; afterwards the teller's own password works and the one-time one does not."""
    teller = make_staff(Role.TELLER, branch, name="赵柜员")
    teller_phone = Client(app.test_client())
    sign_in(teller_phone, teller)
    login_as(Role.BRANCH_MANAGER)
    staff_page = client.get("/staff")
    assert "赵柜员" in text_of(staff_page) and "发放一次性密码" in text_of(staff_page)
    one_time = issue(client, teller)
    assert len(one_time) == 12
    assert not signed_in(teller_phone)

    teller_client = Client(app.test_client())
    response = teller_client.post_form(
        "/login", {"username": teller.username, "password": one_time}
    )
    assert response.headers["Location"] == "/account/password"
    assert teller_client.get("/today").headers["Location"] == "/account/password"
    assert teller_client.get("/customers/").headers["Location"] == "/account/password"
    page = teller_client.get("/account/password")
    assert "您使用一次性密码登录。请先设置自己的密码再继续。" in text_of(page)
    response = change(teller_client, one_time, NEW_PASSWORD)
    assert response.headers["Location"] == "/today"
    assert teller_client.get("/today").status_code == 200
    with app.app_context():
        assert not app.extensions["sqlalchemy"].session.get(Staff, teller.id).password_must_change
    teller_client.post_form("/logout", {}, page="/me")
    again = teller_client.post_form("/login", {"username": teller.username, "password": one_time})
    assert "用户名或密码错误。" in text_of(again)


def test_who_may_issue_one_time_passwords(app, client, login_as):
    """A manager: their own branch's staff below them. An administrator: anyone in the region.
    Nobody: themself, another branch's or region's staff. Others: not at all."""
    region = make_branch("浦东管辖行")
    branch = make_branch("陆家嘴支行", parent=region)
    other = make_branch("张江支行", parent=region)
    teller = make_staff(Role.TELLER, branch)
    manager = make_staff(Role.BRANCH_MANAGER, branch)
    other_manager = make_staff(Role.BRANCH_MANAGER, other)
    admin = make_staff(Role.ADMIN, region)
    outsider = make_staff(Role.TELLER, make_branch("徐汇支行"))

    def post(person):
        return client.post_form(f"/staff/{person.id}/one-time-password", {}, page="/me")

    login_as(manager)
    assert post(other_manager).status_code == 404  # another branch: not even seen
    assert post(admin).status_code == 404
    assert post(manager).status_code == 403
    html = client.get("/staff").get_data(as_text=True)
    assert f"/staff/{teller.id}/one-time-password" in html
    assert f"/staff/{manager.id}/one-time-password" not in html
    assert post(teller).status_code == 200
    login_as(admin)
    assert post(other_manager).status_code == 200
    assert post(outsider).status_code == 404
    assert post(admin).status_code == 403
    login_as(Role.TELLER, branch=branch)
    assert client.get("/staff").status_code == 403
    assert post(manager).status_code == 403
