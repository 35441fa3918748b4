"""The outbox's batch: queued forms replayed through their own endpoints, in order, once each."""

import uuid
from urllib.parse import urlencode

from sqlalchemy import func, select

from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.field.models import Visit


def _visit(name: str, client_id: str | None = None, **over) -> dict:
    form = {
        "client_id": client_id or str(uuid.uuid4()),
        "business_name": name,
        "outcome": "not_interested",
        "position_status": "unavailable",
        "checked_in_at": "2026-11-20T02:00:00Z",
        **over,
    }
    return {"client_id": form["client_id"], "url": "/field/visits", "body": urlencode(form)}


def _send(client, items, token=None):
    token = token or client.get("/sync/token").get_json()["token"]
    return client.post("/sync/batch", json={"items": items}, headers={"X-CSRFToken": token})


def _visits(app, prefix: str) -> list[str]:
    with app.app_context():
        return list(
            _db.session.scalars(
                select(Visit.business_name)
                .where(Visit.business_name.like(prefix + "%"))
                .order_by(Visit.id)
            )
        )


def test_items_are_stored_in_order_once_and_refusals_come_back_per_item(app, client, login_as):
    """Good, invalid, good: two rows in queue order, the invalid one answered 422 with its form;
    the same batch again (a lost answer) adds nothing."""
    login_as(Role.RETAIL_AM)
    items = [_visit("批次-1"), _visit("", business_name=""), _visit("批次-3")]
    answer = _send(client, items)
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["status"] for r in results] == [303, 422, 303]
    assert [r["client_id"] for r in results] == [i["client_id"] for i in items]
    assert "visit-form" in results[1]["body"] and "body" not in results[0]
    assert _visits(app, "批次-") == ["批次-1", "批次-3"]
    again = _send(client, items).get_json()["results"]
    assert [r["status"] for r in again] == [303, 422, 303]
    assert _visits(app, "批次-") == ["批次-1", "批次-3"]


def test_a_refused_item_stops_the_batch_and_the_rest_wait(app, client, login_as):
    """An item the user may not send (403) ends the batch there; the items after it are untried."""
    login_as(Role.RETAIL_AM)
    lobby = {
        "client_id": str(uuid.uuid4()),
        "url": "/lobby/check-ins",
        "body": "first_need=deposit",
    }
    results = _send(client, [_visit("停-1"), lobby, _visit("停-3")]).get_json()["results"]
    assert [r["status"] for r in results] == [303, 403]
    assert _visits(app, "停-") == ["停-1"]


def test_the_batch_needs_a_session_and_a_token(app, client, login_as):
    """Signed out: sent to sign in; without the CSRF token: refused; nothing stored."""
    token = client.csrf_token("/login")
    answer = _send(client, [_visit("无会话")], token)
    assert answer.status_code == 401
    login_as(Role.RETAIL_AM)
    assert client.post("/sync/batch", json={"items": [_visit("无令牌")]}).status_code == 400
    assert _visits(app, "无") == []


def test_malformed_batches_are_refused_whole(app, client, login_as):
    """Other sites, a batch in a batch, pages that take no form, too many items: 400, nothing run."""
    login_as(Role.RETAIL_AM)
    token = client.get("/sync/token").get_json()["token"]
    for bad in (
        [{"url": "//evil.example/x", "body": ""}],
        [{"url": "https://evil.example/x", "body": ""}],
        [{"url": "/sync/batch", "body": ""}],
        [{"url": "/today", "body": ""}],
        [_visit("坏-1"), {"url": "/field/visits", "body": 5}],
        [_visit(f"坏-{i}") for i in range(26)],
        [],
        "not a list",
    ):
        answer = _send(client, bad, token)
        assert answer.status_code == 400, bad
        assert "error" in answer.get_json()
    assert _visits(app, "坏-") == []
    assert client.post("/sync/batch", data="x", headers={"X-CSRFToken": token}).status_code == 400
    with app.app_context():
        assert _db.session.scalar(select(func.count(Visit.id))) == 0
