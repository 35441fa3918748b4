"""Issue 19, item 4: a walk-in waiting past the branch's limit is pushed to the lobby manager
once, by the worker's pass (never by a read of the board)."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from tests.factories import make_staff
from webapp import timeutil
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.lobby.models import CheckIn, Need
from webapp.lobby.services import check_in_visitor
from webapp.push.delivery import deliver_due
from webapp.push.models import Kind, Notification
from webapp.push.scheduler import run_scheduled


def test_a_long_wait_is_pushed_to_the_lobby_manager_once(
    app, db, client, branch, device_for, push_service
):
    """Two worker passes and a board poll: one notification, delivered to her phone once."""
    lobby = make_staff(Role.LOBBY_MANAGER, branch, name="孙婷婷")
    teller = make_staff(Role.TELLER, branch)
    device = device_for(lobby)
    with app.test_request_context():
        visit = check_in_visitor(staff=_db.session.merge(lobby), first_need=Need.DEPOSIT)
        # Checked in at 11:00 today and the worker passes 36 minutes later, whatever the hour the
        # suite runs (an hour of "36 minutes ago" fell on yesterday just after midnight).
        checked_in = timeutil.local_to_utc(datetime.combine(timeutil.local_today(), time(11)))
        visit.created_at = checked_in
        _db.session.commit()
        ticket = visit.ticket
    later = checked_in + timedelta(minutes=36)
    with client.raw.session_transaction() as session:
        session["_user_id"] = lobby.get_id()
    client.get("/lobby/rows", headers={"HX-Request": "true"})  # a read writes nothing
    with app.app_context():
        assert _db.session.scalar(select(Notification)) is None
    with app.test_request_context():
        run_scheduled(later)
        run_scheduled(later + timedelta(minutes=1))
        rows = _db.session.scalars(select(Notification)).all()
        assert [(n.staff_id, n.kind) for n in rows] == [(lobby.id, Kind.LOBBY_LONG_WAIT)]
        assert _db.session.scalar(select(CheckIn.long_wait_flagged_at)) is not None
        deliver_due(later)
        deliver_due(later + timedelta(minutes=5))
    assert len(push_service.received) == 1
    payload = device.decrypt(push_service.received[0].body)
    assert f"{ticket}号" in payload["title"] and "等候" in payload["title"]
    assert payload["url"] == "/lobby/"
    assert teller.id != lobby.id
