"""Sign-in, sign-out, wrong passwords, throttling, and each role's landing page."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.conftest import section_text, text_of
from tests.factories import PASSWORD, make_staff
from webapp.auth.models import Role, Staff
from webapp.auth.services import sign_out_everywhere

HOMES = {
    Role.BRANCH_MANAGER: ("/dashboard", "网点看板"),
    Role.WEALTH_MANAGER: ("/today", "今日"),
    Role.RETAIL_AM: ("/today", "今日"),
    Role.CREDIT_AM: ("/today", "今日"),
    Role.CORPORATE_AM: ("/today", "今日"),
    Role.LOBBY_MANAGER: ("/lobby/", "大堂"),
    Role.TELLER: ("/today", "今日"),
    Role.ADMIN: ("/region", "管辖行"),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_home(client, branch, role):
    """Signing in takes each role to its own home page, in Chinese."""
    staff = make_staff(role, branch)
    response = client.post_form(
        "/login", {"username": staff.username, "password": PASSWORD}, follow_redirects=True
    )
    path, heading = HOMES[role]
    assert response.request.path == path
    assert f"<h1>{heading}</h1>" in response.get_data(as_text=True)
    assert staff.name in text_of(response)


def test_wrong_password_and_unknown_user_get_the_same_message(client, branch):
    """A wrong password says so beside the field, keeps the username, reveals nothing more."""
    staff = make_staff(Role.TELLER, branch)
    wrong = client.post_form("/login", {"username": staff.username, "password": "nope"})
    unknown = client.post_form("/login", {"username": "nobody-here", "password": "nope"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "用户名或密码错误。" in text_of(response)
        assert 'class="field__error"' in response.get_data(as_text=True)
    assert f'value="{staff.username}"' in wrong.get_data(as_text=True)
    assert 'value="nope"' not in wrong.get_data(as_text=True)  # never echo a password


def test_empty_form_shows_messages_beside_each_field(client):
    """Missing username and password each get their own message."""
    response = client.post_form("/login", {"username": "", "password": ""})
    body = text_of(response)
    assert "请输入用户名。" in body and "请输入密码。" in body


def test_inactive_staff_cannot_sign_in(client, branch):
    """A deactivated account is refused like a wrong password."""
    staff = make_staff(Role.TELLER, branch, active=False)
    response = client.post_form("/login", {"username": staff.username, "password": PASSWORD})
    assert "用户名或密码错误。" in text_of(response)


def test_repeated_failures_are_throttled(client, branch):
    """After five failures for one username the sixth attempt is refused, even with the right password."""
    staff = make_staff(Role.TELLER, branch)
    for _ in range(5):
        client.post_form("/login", {"username": staff.username, "password": "wrong"})
    response = client.post_form("/login", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "失败次数过多" in text_of(response)
    # Another username from the same address is not locked out by these failures.
    other = make_staff(Role.TELLER, branch)
    ok = client.post_form("/login", {"username": other.username, "password": PASSWORD})
    assert ok.status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_throttle(client, branch):
    """Only failures are counted."""
    staff = make_staff(Role.TELLER, branch)
    for _ in range(7):
        response = client.post_form("/login", {"username": staff.username, "password": PASSWORD})
        assert response.status_code == 302
        client.post_form("/logout", {}, page="/me")


def test_sign_out_ends_the_session(client, branch):
    """After signing out, a page asks to sign in again."""
    staff = make_staff(Role.RETAIL_AM, branch)
    client.post_form("/login", {"username": staff.username, "password": PASSWORD})
    response = client.post_form("/logout", {}, page="/me", follow_redirects=True)
    assert "您已退出登录。" in text_of(response)
    again = client.get("/today")
    assert again.status_code == 302 and again.headers["Location"].startswith("/login?next=/today")


def test_next_takes_the_user_back_but_never_off_site(client, branch):
    """`next` is followed only when it stays on this site."""
    staff = make_staff(Role.RETAIL_AM, branch)
    ok = client.post_form(
        "/login?next=/customers/",
        {"username": staff.username, "password": PASSWORD, "next": "/customers/"},
    )
    assert ok.headers["Location"] == "/customers/"
    client.post_form("/logout", {}, page="/me")
    evil = client.post_form(
        "/login", {"username": staff.username, "password": PASSWORD, "next": "//evil.example.com/"}
    )
    assert evil.headers["Location"] == "/today"


def test_remember_me_keeps_the_session_cookie_past_the_browser(client, branch):
    """ "Keep me signed in" makes the (HttpOnly, SameSite) session cookie outlive the browser,
    for the remembered limits; without it the cookie ends with the browser."""
    staff = make_staff(Role.RETAIL_AM, branch)
    kept = client.post_form(
        "/login", {"username": staff.username, "password": PASSWORD, "remember": "y"}
    )
    session_cookie = next(c for c in kept.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Expires=" in session_cookie
    client.post_form("/logout", {}, page="/me")
    plain = client.post_form("/login", {"username": staff.username, "password": PASSWORD})
    session_cookie = next(
        c for c in plain.headers.getlist("Set-Cookie") if c.startswith("session=")
    )
    assert "HttpOnly" in session_cookie and "Expires=" not in session_cookie


def test_login_without_csrf_token_is_refused(client, branch):
    """A POST without the CSRF token changes nothing and says why."""
    staff = make_staff(Role.RETAIL_AM, branch)
    response = client.post("/login", data={"username": staff.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in text_of(response)
    assert client.get("/today").status_code == 302


def test_a_sign_in_page_left_open_for_hours_asks_only_for_the_password_again(client, branch):
    """The lobby tablet's sign-in page opened in the morning and used after lunch: its form has
    expired, so the page comes back with the username kept and, beside the password, why it
    is asked again (not an error page to go back from); the next try signs in."""
    staff = make_staff(Role.LOBBY_MANAGER, branch)
    morning = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    with time_machine.travel(morning, tick=False):
        token = client.csrf_token("/login")
    with time_machine.travel(morning + timedelta(hours=4), tick=False):
        data = {"username": staff.username, "password": PASSWORD, "next": "/lobby/"}
        response = client.post("/login", data={"csrf_token": token, **data})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert f'value="{staff.username}"' in html and 'value="/lobby/"' in html
        assert PASSWORD not in html
        assert "登录页面打开太久，表单已过期：请再次输入密码。" in section_text(
            response, "password-error"
        )
        retry = client.post_form("/login", data, page="/login?next=/lobby/")
        assert retry.status_code == 302 and retry.headers["Location"] == "/lobby/"


def test_language_switch_before_sign_in(client):
    """Choosing English on the sign-in page shows it in English."""
    response = client.post_form(
        "/language", {"locale": "en", "back": "/login"}, page="/login", follow_redirects=True
    )
    assert "Keep me signed in on this device" in text_of(response)


def test_users_locale_is_kept_on_their_record(app, client, login_as, db):
    """A user who switches to English sees English on every page afterwards."""
    staff = login_as(Role.RETAIL_AM)
    client.post_form("/language", {"locale": "en", "back": "/me"}, page="/me")
    with app.app_context():
        assert db.session.get(Staff, staff.id).locale == "en"
    assert "<h1>Today</h1>" in client.get("/today").get_data(as_text=True)


def test_resetting_the_session_token_signs_out_everywhere(app, client, login_as, db):
    """sign_out_everywhere invalidates existing sessions."""
    staff = login_as(Role.RETAIL_AM)
    assert client.get("/today").status_code == 200
    with app.app_context():
        sign_out_everywhere(db.session.get(Staff, staff.id))
        db.session.commit()
    assert client.get("/today").status_code == 302
