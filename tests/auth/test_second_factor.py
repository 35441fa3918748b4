"""The optional second factor: set up with a code, asked at sign-in, codes used once, recovery
codes, and the administrator's requirement for managers and administrators."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select

from tests.auth.test_sessions import sign_in, signed_in
from tests.conftest import Client, text_of
from tests.factories import PASSWORD, make_branch, make_staff
from webapp.auth.models import Role, SignInFailure, Staff

MORNING = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def enrol(client) -> tuple[str, list[str]]:
    """Set up the second factor from its page; returns the secret and the recovery codes."""
    page = client.get("/account/second-factor").get_data(as_text=True)
    key = re.search(r'<code class="totp-key">([^<]+)</code>', page).group(1).replace(" ", "")
    assert "otpauth://totp/BranchKit:" in page and f"secret={key}" in page
    response = client.post_form(
        "/account/second-factor", {"code": pyotp.TOTP(key).now()}, page="/account/second-factor"
    )
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z0-9-]{19})</code>", response.get_data(as_text=True))
    assert len(codes) == 10
    return key, codes


def password_step(client, staff, address: str = "10.0.0.1"):
    """The first step of signing in, for someone with a second factor."""
    response = client.post_form(
        "/login",
        {"username": staff.username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": address},
    )
    assert response.headers["Location"] == "/login/code"
    return response


def code_step(client, code: str):
    """The second step: the code."""
    return client.post_form("/login/code", {"code": code}, page="/login/code")


def test_setting_up_and_signing_in_with_a_code(app, client, branch, db):
    """Set up from Me; at the next sign-in the password alone does not sign in; a wrong code is
    refused (and counted), the right one signs in; the same code cannot be used twice."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, staff)
        assert 'href="/account/second-factor"' in client.get("/me").get_data(as_text=True)
        wrong = client.post_form(
            "/account/second-factor", {"code": "000000"}, page="/account/second-factor"
        )
        assert "验证码错误。请检查密钥和手机时间。" in text_of(wrong)
        key, _codes = enrol(client)
        assert signed_in(client)  # this device carries on
        client.post_form("/logout", {}, page="/me")

        clock.shift(timedelta(minutes=1))
        password_step(client, staff)
        assert not signed_in(client)  # the password alone is not enough
        refused = code_step(client, "123456")
        assert "验证码错误或已使用过。" in text_of(refused)
        code = pyotp.TOTP(key).now()
        response = code_step(client, code)
        assert response.headers["Location"] == "/today"
        assert signed_in(client)
        client.post_form("/logout", {}, page="/me")
        password_step(client, staff)
        assert "验证码错误或已使用过。" in text_of(code_step(client, code))  # replayed
    with app.app_context():
        failures = db.session.scalars(
            select(SignInFailure).where(SignInFailure.staff_id == staff.id)
        ).all()
        assert len(failures) == 2 and all(f.second_factor for f in failures)


def test_a_recovery_code_signs_in_once(app, client, branch):
    """For a lost phone: each recovery code works once."""
    staff = make_staff(Role.RETAIL_AM, branch)
    sign_in(client, staff)
    _key, codes = enrol(client)
    client.post_form("/logout", {}, page="/me")
    password_step(client, staff)
    assert code_step(client, codes[3].upper()).headers["Location"] == "/today"
    state = text_of(client.get("/account/second-factor"))
    assert "剩余 9 个恢复码。" in state
    client.post_form("/logout", {}, page="/me")
    password_step(client, staff)
    assert "验证码错误或已使用过。" in text_of(code_step(client, codes[3]))


def test_the_code_step_without_a_password_step_sends_back_to_sign_in(client):
    """Nobody reaches the code step without the password first."""
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_the_code_step_expires(app, client, branch):
    """A password step left waiting five minutes has to start again."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, staff)
        enrol(client)
        client.post_form("/logout", {}, page="/me")
        password_step(client, staff)
        clock.shift(timedelta(minutes=6))
        response = client.get("/login/code", follow_redirects=True)
        assert "等待验证码超时，请重新登录。" in text_of(response)


def test_turning_the_second_factor_off_needs_a_code(app, client, branch, db):
    """Off with a code from the app; then the password alone signs in again."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, staff)
        key, _codes = enrol(client)
        clock.shift(timedelta(minutes=1))
        wrong = client.post_form(
            "/account/second-factor/off", {"code": "000000"}, page="/account/second-factor"
        )
        assert "验证码错误或已使用过。" in text_of(wrong)
        off = client.post_form(
            "/account/second-factor/off",
            {"code": pyotp.TOTP(key).now()},
            page="/account/second-factor",
            follow_redirects=True,
        )
        assert "二次验证已关闭。" in text_of(off)
    with app.app_context():
        assert db.session.get(Staff, staff.id).totp_secret is None


def test_the_administrator_requires_a_second_factor_of_managers(app, client, login_as, db):
    """Only with their own second factor; managers without one are signed out and must set it
    up at their next sign-in before anything else opens; tellers are not asked."""
    region = make_branch("浦东管辖行")
    branch = make_branch("陆家嘴支行", parent=region)
    manager = make_staff(Role.BRANCH_MANAGER, branch)
    teller = make_staff(Role.TELLER, branch)
    admin = make_staff(Role.ADMIN, region)
    manager_client, teller_client = Client(app.test_client()), Client(app.test_client())
    sign_in(manager_client, manager)
    sign_in(teller_client, teller)

    sign_in(client, admin)
    form = {"required": "y"}
    refused = client.post_form("/staff/second-factor", form, page="/staff", follow_redirects=True)
    assert "请先为自己设置二次验证" in text_of(refused)
    enrol(client)
    done = client.post_form("/staff/second-factor", form, page="/staff", follow_redirects=True)
    assert "现已要求二次验证。1 位尚未设置的人员已被退出登录。" in text_of(done)
    assert signed_in(client)
    assert not signed_in(manager_client) and signed_in(teller_client)

    sign_in(manager_client, manager)
    assert manager_client.get("/dashboard").headers["Location"] == "/account/second-factor"
    page = text_of(manager_client.get("/account/second-factor"))
    assert "管辖行管理员要求您的岗位使用二次验证。请先完成设置再继续。" in page
    enrol(manager_client)
    assert manager_client.get("/dashboard").status_code == 200
    off = manager_client.post_form(
        "/account/second-factor/off", {"code": "000000"}, page="/account/second-factor"
    )
    assert off.status_code == 302  # refused: required
    with app.app_context():
        assert db.session.get(Staff, manager.id).totp_secret is not None
