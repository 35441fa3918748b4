"""Issue 17 (server half): whose session a change is sent in, and who the worker is told is signed in."""

import json
import re
import uuid
from urllib.parse import urlencode

from sqlalchemy import select

from tests.factories import PASSWORD, make_staff
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.field.models import Visit
from webapp.sync.batch import BATCH_SIZE
from webapp.sync.protocol import OWNER_HEADER, PERSON_COOKIE, REPLAY_HEADER


def _visit_body(name: str) -> str:
    return urlencode(
        {
            "client_id": str(uuid.uuid4()),
            "business_name": name,
            "outcome": "not_interested",
            "position_status": "unavailable",
            "checked_in_at": "2026-11-20T02:00:00Z",
        }
    )


def _visits(app, name: str) -> list[int]:
    with app.app_context():
        return list(_db.session.scalars(select(Visit.staff_id).where(Visit.business_name == name)))


def _person_cookie(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(PERSON_COOKIE + "="):
            return header
    return None


def test_a_change_sent_with_no_session_is_401_not_the_csrf_400(client, app):
    """No session (the cookie gone): 401, which the outbox keeps until sign-in; nothing stored."""
    response = client.post(
        "/field/visits",
        data=_visit_body("无会话"),
        content_type="application/x-www-form-urlencoded",
        headers={"X-CSRFToken": "a-token-of-a-session-that-ended"},
    )
    assert response.status_code == 401
    assert "请重新登录" in response.get_data(as_text=True)
    assert _visits(app, "无会话") == []


def test_a_signed_in_change_still_needs_its_token(client, login_as, app):
    """Signed in without the CSRF token: refused with the CSRF message, nothing stored."""
    login_as(Role.RETAIL_AM)
    response = client.post(
        "/field/visits",
        data=_visit_body("无令牌"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)
    assert _visits(app, "无令牌") == []


def test_a_replayed_item_of_another_person_is_refused_409(client, login_as, app, branch):
    """A batch item, or a replay alone, owned by someone else: 409, never stored under anyone."""
    colleague = make_staff(Role.RETAIL_AM, branch)
    me = login_as(Role.RETAIL_AM)
    token = client.get("/sync/token").get_json()["token"]
    items = [
        {
            "client_id": "x",
            "url": "/field/visits",
            "body": _visit_body("他人的"),
            "owner": colleague.id,
        },
        {"client_id": "y", "url": "/field/visits", "body": _visit_body("我的"), "owner": me.id},
    ]
    answer = client.post("/sync/batch", json={"items": items}, headers={"X-CSRFToken": token})
    results = answer.get_json()["results"]
    assert [r["status"] for r in results] == [409, 303]
    assert results[0]["owner_refused"] is True and "另一位" in results[0]["body"]
    assert _visits(app, "他人的") == [] and _visits(app, "我的") == [me.id]
    alone = client.post(
        "/field/visits",
        data=_visit_body("他人的单条"),
        content_type="application/x-www-form-urlencoded",
        headers={"X-CSRFToken": token, REPLAY_HEADER: "1", OWNER_HEADER: str(colleague.id)},
    )
    assert alone.status_code == 409 and _visits(app, "他人的单条") == []


def test_the_person_cookie_follows_the_sign_in(client, branch):
    """Sign-in names the person in a cookie the worker can read; sign-out deletes it."""
    staff = make_staff(Role.RETAIL_AM, branch)
    signed = client.post_form("/login", {"username": staff.username, "password": PASSWORD})
    cookie = _person_cookie(signed)
    assert cookie.startswith(f"{PERSON_COOKIE}={staff.id};")
    assert "HttpOnly" not in cookie and "Expires" not in cookie  # a browser-session cookie
    page = client.get("/me")
    assert _person_cookie(page) is None  # already right: not sent again
    out = client.post_form("/logout", {}, page="/me")
    assert re.search(rf"{PERSON_COOKIE}=;.*Expires=Thu, 01 Jan 1970", _person_cookie(out))
    assert client.get_cookie(PERSON_COOKIE) is None


def test_the_person_cookie_lives_as_long_as_remember_me(client, branch, app):
    """Kept signed in on this device: the person cookie lasts as long as the session cookie, and
    is renewed with it."""
    staff = make_staff(Role.RETAIL_AM, branch)
    signed = client.post_form(
        "/login", {"username": staff.username, "password": PASSWORD, "remember": "y"}
    )
    seconds = int(app.permanent_session_lifetime.total_seconds())
    assert f"Max-Age={seconds}" in _person_cookie(signed)
    assert f"Max-Age={seconds}" in _person_cookie(client.get("/today"))


def test_the_worker_gets_the_protocol_from_the_server(client):
    """Batch size, client-id format, headers, cookie and cache names come from Python."""
    source = client.get("/sw.js").get_data(as_text=True)
    assert "__PROTOCOL__" not in source
    protocol = json.loads(re.search(r"const PROTOCOL = (\{.*?\});", source).group(1))
    assert protocol["batchSize"] == BATCH_SIZE
    assert protocol["replayHeader"] == REPLAY_HEADER and protocol["personCookie"] == PERSON_COOKIE
    assert re.match(protocol["clientId"], str(uuid.uuid4()))
    assert "BATCH_SIZE = 25" not in source and "sendOne" not in source
