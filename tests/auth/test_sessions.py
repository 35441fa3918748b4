"""Sessions end when they should: a copied cookie is dead after sign-out, sessions time out when
idle and at the end of their life, and "sign out on every device" is one tap away."""

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine

from tests.conftest import Client, text_of
from tests.factories import PASSWORD, make_staff
from webapp.auth.models import Role, Staff
from webapp.auth.sessions import WORKER_HEADER
from webapp.sync.protocol import PERSON_COOKIE

# A fixed moment: 09:00 in Shanghai on a working day.
MORNING = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def sign_in(client, staff, remember: bool = False, address: str = "10.0.0.1"):
    """Sign in through the real form, as a browser does; returns the response."""
    data = {"username": staff.username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post_form("/login", data, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 302, text_of(response)
    return response


def cookie_of(client) -> str:
    """The session cookie's value, as someone copying it would take it."""
    cookie = client.raw.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app, value: str) -> Client:
    """A fresh browser carrying a copied session cookie."""
    other = Client(app.test_client())
    other.raw.set_cookie("session", value)
    return other


def signed_in(client) -> bool:
    """Whether the client gets a page rather than the sign-in page."""
    response = client.get("/me")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(app, client, branch):
    """Sign out ends the session on the server: the copy is refused, another device stays in."""
    staff = make_staff(Role.RETAIL_AM, branch)
    phone = Client(app.test_client())
    sign_in(phone, staff)
    sign_in(client, staff)
    copied = cookie_of(client)
    assert signed_in(replay(app, copied))
    client.post_form("/logout", {}, page="/me")
    thief = replay(app, copied)
    response = thief.get("/customers/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert not signed_in(replay(app, copied))
    assert signed_in(phone)  # signing out here leaves the person's phone signed in


def test_a_remembered_cookie_copied_before_sign_out_is_refused_after_it(app, client, branch):
    """ "Keep me signed in" keeps the session past the browser (an expiring cookie, no separate
    remember cookie), and sign-out ends it just the same."""
    staff = make_staff(Role.RETAIL_AM, branch)
    response = sign_in(client, staff, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "Expires=" in session_cookie and "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert not [c for c in cookies if c.startswith("remember_token=")]
    copied = cookie_of(client)
    client.post_form("/logout", {}, page="/me")
    assert not signed_in(replay(app, copied))


def test_sign_out_on_every_device_is_on_the_me_page_and_ends_every_session(app, client, branch):
    """The Me page's button signs the person out on this device and every other."""
    staff = make_staff(Role.RETAIL_AM, branch)
    phone, tablet = Client(app.test_client()), Client(app.test_client())
    sign_in(phone, staff, remember=True)
    sign_in(tablet, staff)
    sign_in(client, staff)
    me = client.get("/me")
    assert "在所有设备上退出登录" in text_of(me)
    response = client.post_form("/logout/everywhere", {}, page="/me", follow_redirects=True)
    assert "您已在所有设备上退出登录。" in text_of(response)
    assert not signed_in(client)
    assert not signed_in(phone) and not signed_in(tablet)
    sign_in(phone, staff)  # signing in again works
    assert signed_in(phone)


def test_a_session_ends_after_30_idle_minutes_but_not_while_used(app, client, branch):
    """Requests keep a session alive; 30 minutes without one end it, with a message."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, staff)
        for _ in range(4):  # two hours of work, a request every 25 minutes
            clock.shift(timedelta(minutes=25))
            assert signed_in(client)
        clock.shift(timedelta(minutes=31))
        response = client.get("/today", follow_redirects=True)
        assert response.request.path == "/login"
        assert "登录已过期，请重新登录后继续。" in text_of(response)
        assert not signed_in(client)


def test_the_boards_polling_does_not_keep_a_session_alive(app, client, branch):
    """The lobby board asks for its rows every few seconds by itself: that is not someone using
    the device, so an unattended board's session still ends."""
    staff = make_staff(Role.LOBBY_MANAGER, branch)
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, staff)
        for _ in range(6):  # polled for the whole 30 minutes
            clock.shift(timedelta(minutes=5))
            polled = client.get("/lobby/rows", headers={"HX-Request": "true"})
            assert polled.status_code == 200
        clock.shift(timedelta(minutes=1))
        polled = client.get("/lobby/rows", headers={"HX-Request": "true"})
        assert polled.status_code == 204 and polled.headers["HX-Redirect"].startswith("/login")


def test_a_remembered_session_has_its_own_longer_idle_limit(app, client, branch):
    """A session kept on a personal phone survives a night, not three idle days."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, staff, remember=True)
        clock.shift(timedelta(hours=16))
        assert signed_in(client)
        clock.shift(timedelta(hours=73))
        assert not signed_in(client)


def test_a_session_ends_at_the_end_of_its_life_however_busy(app, client, branch):
    """12 hours after sign-in the session ends even when used every few minutes."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, staff)
        for _ in range(11 * 3):  # every 20 minutes for 11 hours
            clock.shift(timedelta(minutes=20))
            assert signed_in(client)
        clock.shift(timedelta(minutes=61))
        assert not signed_in(client)


def test_a_cookie_signed_30_days_ago_is_refused(app, client, branch):
    """A remembered cookie copied a month ago is no good today, even unused since."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with time_machine.travel(MORNING - timedelta(days=30), tick=False):
        sign_in(client, staff, remember=True)
        copied = cookie_of(client)
        assert signed_in(replay(app, copied))
    with time_machine.travel(MORNING, tick=False):
        assert not signed_in(replay(app, copied))


def test_remembered_sessions_end_after_14_days_even_when_used_daily(app, client, branch):
    """Keep me signed in has an absolute life too."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, staff, remember=True)
        for _ in range(13):
            clock.shift(timedelta(days=1))
            assert signed_in(client)
        clock.shift(timedelta(days=1, minutes=1))
        assert not signed_in(client)


def test_the_limits_are_configurable(app, client, branch):
    """SESSION_IDLE_TIMEOUT and SESSION_MAX_AGE change the limits without a code change."""
    staff = make_staff(Role.RETAIL_AM, branch)
    saved = {key: app.config[key] for key in ("SESSION_IDLE_TIMEOUT", "SESSION_MAX_AGE")}
    app.config.update(SESSION_IDLE_TIMEOUT=timedelta(minutes=5), SESSION_MAX_AGE=timedelta(hours=1))
    try:
        with time_machine.travel(MORNING, tick=False) as clock:
            sign_in(client, staff)
            clock.shift(timedelta(minutes=4))
            assert signed_in(client)
            clock.shift(timedelta(minutes=6))
            assert not signed_in(client)
            sign_in(client, staff)
            for _ in range(15):
                clock.shift(timedelta(minutes=4))
                assert signed_in(client)
            clock.shift(timedelta(minutes=1))
            assert not signed_in(client)
    finally:
        app.config.update(saved)


def test_a_session_id_of_the_old_form_is_refused(app, client, branch):
    """Sessions issued before revocation existed ("id:token", no sid or time) sign in again."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with client.raw.session_transaction() as session:
        session["_user_id"] = f"{staff.id}:{staff.session_token}"
    assert not signed_in(client)


def test_deactivating_someone_ends_their_sessions(app, client, login_as, db):
    """A deactivated person is out at once, on every device."""
    from webapp.auth.services import deactivate

    staff = login_as(Role.TELLER)
    assert signed_in(client)
    with app.app_context():
        deactivate(db.session.get(Staff, staff.id))
        db.session.commit()
    assert not signed_in(client)


@pytest.mark.parametrize("remember", [False, True])
def test_signing_in_again_after_sign_out_works(client, branch, remember):
    """Revoking a device's session does not stand in the way of its next sign-in."""
    staff = make_staff(Role.RETAIL_AM, branch)
    for _ in range(3):
        sign_in(client, staff, remember=remember)
        assert signed_in(client)
        client.post_form("/logout", {}, page="/me")
        assert not signed_in(client)


def test_the_workers_late_answers_leave_the_next_persons_sign_in_alone(app, client, branch):
    """On a shared phone the service worker's requests sent before a sign-out can be answered
    after it, once the sign-in page has given the next person's form its token. Finding the
    session ended, those answers leave the cookie alone: clearing it threw that token away, and
    the next sign-in was refused as an expired form (a browser test failed 1 run in 2 under
    load). A page that finds its session ended still clears the cookie."""
    first = make_staff(Role.RETAIL_AM, branch)
    second = make_staff(Role.WEALTH_MANAGER, branch)
    sign_in(client, first)
    stale = cookie_of(client)
    named = client.raw.get_cookie(PERSON_COOKIE).value  # whom the worker reads as signed in
    client.post_form("/logout", {}, page="/me")
    token = client.csrf_token("/login")  # the next person's form
    fresh = cookie_of(client)
    worker = {WORKER_HEADER: "1"}
    late = [
        ("/customers/new", {**worker, "X-Precache": "1"}),  # a page the worker keeps
        ("/sync/saved", {**worker, "X-Precache": "1", "HX-Request": "true"}),  # a fragment
        ("/sync/precache", worker),  # the list of them
        ("/sync/token", worker),  # before a flush of the outbox
        ("/sw.js", {"Service-Worker": "script"}),  # the browser's check for a new worker
    ]
    for path, headers in late:
        client.raw.set_cookie("session", stale)  # sent with the first person's cookies
        client.raw.set_cookie(PERSON_COOKIE, named)
        response = client.raw.get(path, headers=headers)
        assert response.status_code in (200, 204, 302), path
        assert response.headers.getlist("Set-Cookie") == [], path  # nor the person cookie
        client.raw.set_cookie("session", fresh)  # so the phone's cookies are still as they were
        client.raw.delete_cookie(PERSON_COOKIE)
    data = {"csrf_token": token, "username": second.username, "password": PASSWORD}
    assert client.raw.post("/login", data=data).status_code == 302
    assert signed_in(client)

    client.raw.set_cookie("session", stale)  # a page, not the worker: the ended cookie goes
    response = client.raw.get("/customers/new")
    assert response.status_code == 302
    assert any(c.startswith("session=;") for c in response.headers.getlist("Set-Cookie"))


def test_the_workers_answers_in_a_live_session_leave_the_cookies_alone(app, client, branch):
    """A request the worker sent while the session was still live (a kept sign-in, whose cookie
    every answer renews) can be answered after that person signed out and the next one's
    sign-in page arrived: none of the worker's answers writes a cookie, or it would bring the
    ended session back over the next person's token."""
    staff = make_staff(Role.RETAIL_AM, branch)
    sign_in(client, staff, remember=True)
    for path, headers in (("/customers/new", {"X-Precache": "1"}), ("/sync/precache", {})):
        response = client.raw.get(path, headers={WORKER_HEADER: "1", **headers})
        assert response.status_code == 200, path
        assert response.headers.getlist("Set-Cookie") == [], path
    static = client.raw.get("/static/css/app.css")  # a file a page asks for writes none either
    static.close()
    assert static.status_code == 200 and static.headers.getlist("Set-Cookie") == []
    page = client.raw.get("/customers/new")  # the person's own page renews the kept sign-in
    assert any(c.startswith("session=") for c in page.headers.getlist("Set-Cookie"))


def test_a_sign_in_gives_the_session_its_token_so_no_page_has_to(app, client, branch):
    """The sign-in's answer carries the session's CSRF token: the first pages after it, the
    worker's among them, find it there and have nothing to write."""
    staff = make_staff(Role.RETAIL_AM, branch)
    sign_in(client, staff)
    first = client.raw.get("/today", environ_base={"REMOTE_ADDR": "10.0.0.1"})  # same device
    assert first.status_code == 200
    assert not any(c.startswith("session=") for c in first.headers.getlist("Set-Cookie"))


def test_the_worker_keeps_a_token_it_had_to_make(app, client, login_as):
    """A live session without a CSRF token (begun before sign-in put one there): the worker's
    token fetch keeps the token it made, so the outbox's batch is accepted with it."""
    login_as(Role.RETAIL_AM)  # a session with a person and no token
    worker = {WORKER_HEADER: "1"}
    answer = client.raw.get("/sync/token", headers=worker)
    assert any(c.startswith("session=") for c in answer.headers.getlist("Set-Cookie"))
    token = answer.get_json()["token"]
    item = {
        "client_id": str(uuid.uuid4()),
        "business_name": "令牌测试",
        "outcome": "not_interested",
        "position_status": "unavailable",
    }
    batch = {
        "items": [{"client_id": item["client_id"], "url": "/field/visits", "body": urlencode(item)}]
    }
    sent = client.raw.post("/sync/batch", json=batch, headers={"X-CSRFToken": token, **worker})
    assert sent.status_code == 200, sent.get_data(as_text=True)
    assert [r["status"] for r in sent.get_json()["results"]] == [303]
