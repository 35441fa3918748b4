"""Issue 19, the lobby as a service station: the appointment handshake. A customer with an
appointment today checked in shows 有约见 HH:MM · <owner> on the board, the owner is pushed, and
the appointment is held (已见面) when the owner starts serving."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_staff
from webapp import timeutil
from webapp.appointments.models import Appointment, AppointmentChange, Reason, State
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.lobby.models import CheckIn
from webapp.push.models import Kind, Notification, Preference

HX = {"HX-Request": "true"}


def make_appointment(app, branch, owner, customer, at: time, day=None, **fields) -> int:
    """A confirmed appointment of the customer with the owner, at a local time today."""
    with app.app_context():
        starts = timeutil.local_to_utc(datetime.combine(day or timeutil.local_today(), at))
        appointment = Appointment(
            branch_id=branch.id,
            created_by_id=owner.id,
            staff_id=owner.id,
            customer_id=customer.id,
            reason=Reason.INTERNAL_REFERRAL,
            option_1=starts,
            option_2=starts,
            starts_at=starts,
            **fields,
        )
        _db.session.add(appointment)
        _db.session.commit()
        return appointment.id


def _check_in(client, customer_id):
    return client.post_form(
        "/lobby/check-ins",
        {"first_need": "wealth", "customer_id": customer_id},
        page="/lobby/",
        headers=HX,
    )


def _visit_id(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(CheckIn.id).order_by(CheckIn.id.desc()))


def test_a_customer_with_an_appointment_today_shows_it_on_the_board_and_pushes_the_owner(
    app, db, client, login_as, branch
):
    """The board row says 有约见 10:30 · 林晓燕, and 林晓燕 has one notification in the outbox
    naming the customer and the ticket."""
    owner = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    customer = make_customer(branch, name="钱多多", mobile="13912345678")
    appointment_id = make_appointment(app, branch, owner, customer, time(10, 30))
    login_as(Role.LOBBY_MANAGER)
    _check_in(client, customer.id)
    rows = text_of(client.get("/lobby/rows", headers=HX))
    assert "有约见 10:30 · 林晓燕" in rows
    assert "交给林晓燕" in rows
    with app.app_context():
        visit = _db.session.scalar(select(CheckIn))
        assert visit.appointment_id == appointment_id
        assert visit.appointment_staff_id == owner.id
        pushed = _db.session.scalars(select(Notification)).all()
        assert [(n.staff_id, n.kind) for n in pushed] == [(owner.id, Kind.APPOINTMENT_ARRIVED)]
        assert "钱多多" in pushed[0].title and "1" in pushed[0].title
        assert "10:30" in pushed[0].body
        assert pushed[0].url == f"/appointments/{appointment_id}"


def test_the_arrival_is_its_own_kind_of_notification(app, db, client, login_as, branch):
    """Turning off reminders before appointments still tells the owner their customer is here;
    turning off arrivals (their own line in 通知设置) does not."""
    owner = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    other = make_staff(Role.WEALTH_MANAGER, branch, name="吴佳琪")
    here = make_customer(branch, name="钱多多", mobile="13912345678")
    also = make_customer(branch, name="赵大海", mobile="13912340000")
    with app.app_context():
        _db.session.add(Preference(staff_id=owner.id, appointment_reminder=False))
        _db.session.add(Preference(staff_id=other.id, appointment_arrived=False))
        _db.session.commit()
    make_appointment(app, branch, owner, here, time(10, 30))
    make_appointment(app, branch, other, also, time(11, 0))
    login_as(Role.LOBBY_MANAGER)
    _check_in(client, here.id)
    _check_in(client, also.id)
    with app.app_context():
        pushed = _db.session.scalars(select(Notification)).all()
        assert [(n.staff_id, n.kind) for n in pushed] == [(owner.id, Kind.APPOINTMENT_ARRIVED)]
    login_as(owner)
    settings = text_of(client.get("/push/"))
    assert "约见的客户到大堂签到" in settings and "每次约见前提醒" in settings


def test_the_appointment_is_held_when_its_owner_starts_serving(app, db, client, login_as, branch):
    """Handing the walk-in to the owner starts their service: the appointment is 已见面, the
    change is recorded under the owner, and the board says so."""
    owner = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    customer = make_customer(branch, name="钱多多", mobile="13912345678")
    appointment_id = make_appointment(app, branch, owner, customer, time(10, 30))
    login_as(Role.LOBBY_MANAGER)
    _check_in(client, customer.id)
    visit_id = _visit_id(app)
    rows = client.post_form(f"/lobby/check-ins/{visit_id}/hand", {}, page="/lobby/", headers=HX)
    assert "已见面" in text_of(rows) and "林晓燕" in text_of(rows)
    with app.app_context():
        visit = _db.session.get(CheckIn, visit_id)
        assert visit.served_by_id == owner.id and visit.served_at is not None
        assert _db.session.get(Appointment, appointment_id).state is State.HELD
        change = _db.session.scalar(select(AppointmentChange))
        assert change.staff_id == owner.id and change.to_state is State.HELD


def test_the_owner_starts_serving_from_the_appointment_page_the_push_opens(
    app, db, client, login_as, branch
):
    """The notification opens the appointment's page: it says the customer is checked in and
    offers 开始接待 to the owner; tapping it serves the walk-in and holds the appointment. A
    teller serving from the board, or a colleague tapping it, does not hold it."""
    owner = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    customer = make_customer(branch, name="钱多多", mobile="13912345678")
    appointment_id = make_appointment(app, branch, owner, customer, time(15, 0))
    login_as(Role.LOBBY_MANAGER)
    _check_in(client, customer.id)
    visit_id = _visit_id(app)
    page = f"/appointments/{appointment_id}"
    login_as(make_staff(Role.WEALTH_MANAGER, branch, name="陈静"))
    refused = client.post_form(f"/lobby/check-ins/{visit_id}/meet", {}, page="/lobby/")
    assert refused.status_code == 403
    login_as(owner)
    shown = text_of(client.get(page))
    assert "已在大堂登记：1号" in shown and "开始接待" in shown
    client.post_form(f"/lobby/check-ins/{visit_id}/meet", {}, page=page)
    with app.app_context():
        visit = _db.session.get(CheckIn, visit_id)
        assert visit.served_by_id == owner.id
        assert _db.session.get(Appointment, appointment_id).state is State.HELD
    assert "已见面" in text_of(client.get(page))


def test_someone_else_serving_does_not_hold_the_appointment(app, db, client, login_as, branch):
    """A teller takes the walk-in from the board: the appointment stays 已确认."""
    owner = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    customer = make_customer(branch, name="钱多多", mobile="13912345678")
    appointment_id = make_appointment(app, branch, owner, customer, time(15, 0))
    login_as(Role.LOBBY_MANAGER)
    _check_in(client, customer.id)
    login_as(Role.TELLER)
    client.post_form(f"/lobby/check-ins/{_visit_id(app)}/serve", {}, page="/lobby/", headers=HX)
    with app.app_context():
        assert _db.session.get(Appointment, appointment_id).state is State.CONFIRMED


def test_no_handshake_for_another_day_a_cancelled_one_or_another_branch(
    app, db, client, login_as, branch
):
    """Tomorrow's appointment, a cancelled one today and one at another branch: the board
    shows none, nobody is pushed."""
    owner = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    customer = make_customer(branch, name="钱多多", mobile="13912345678")
    with app.app_context():
        tomorrow = timeutil.local_today() + timedelta(days=1)
    make_appointment(app, branch, owner, customer, time(10, 30), day=tomorrow)
    make_appointment(app, branch, owner, customer, time(11, 0), state=State.CANCELLED)
    other = make_branch("张江支行")
    stranger = make_staff(Role.WEALTH_MANAGER, other, name="陈一")
    make_appointment(app, other, stranger, customer, time(9, 0))
    login_as(Role.LOBBY_MANAGER)
    _check_in(client, customer.id)
    assert "有约见" not in text_of(client.get("/lobby/rows", headers=HX))
    with app.app_context():
        assert _db.session.scalar(select(CheckIn.appointment_id)) is None
        assert _db.session.scalars(select(Notification)).all() == []


def test_hand_without_an_appointment_changes_nothing(app, db, client, login_as, branch):
    """The 交给 action on a walk-in without an appointment is refused and leaves it waiting."""
    login_as(Role.LOBBY_MANAGER)
    client.post_form("/lobby/check-ins", {"first_need": "deposit"}, page="/lobby/", headers=HX)
    visit_id = _visit_id(app)
    response = client.post_form(f"/lobby/check-ins/{visit_id}/hand", {}, page="/lobby/", headers=HX)
    assert response.status_code == 404
    with app.app_context():
        assert _db.session.get(CheckIn, visit_id).served_by_id is None
