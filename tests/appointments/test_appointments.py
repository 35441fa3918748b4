"""Appointment capture over HTTP: the four steps, once per client id, the schedule signal, states."""

import uuid
from datetime import datetime

from sqlalchemy import func, select

from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_staff
from webapp.appointments.models import Appointment, State
from webapp.auth.models import Role
from webapp.customers.models import Acquisition, Customer
from webapp.extensions import db
from webapp.signals import appointment_confirmed

FORM = "/appointments/new"


def appointment_data(meeter_id: int, **fields) -> dict:
    """A complete four-step appointment as the phone sends it."""
    data = {
        "client_id": str(uuid.uuid4()),
        "customer_id": "0",
        "new_name": "赵女士",
        "new_mobile": "13800001111",
        "reason": "could_not_finish",
        "greeting": "您好，我是陆家嘴支行的理财经理。",
        "statement_id": "0",
        "value_statement": "二十分钟帮您梳理存款和理财。",
        "urgency": "本月活动额度有限。",
        "option_1": "2026-11-25T10:00",
        "option_2": "2026-11-26T15:30",
        "chosen_option": "2",
        "reconfirmed": "y",
        "place": "陆家嘴支行二楼贵宾室",
        "staff_id": str(meeter_id),
    }
    data.update(fields)
    return data


def test_the_form_greets_with_name_title_and_branch(client, login_as):
    """Step one is pre-filled with who is calling; four numbered steps follow."""
    login_as(Role.WEALTH_MANAGER, name="林晓燕", title="理财经理")
    text = text_of(client.get(FORM))
    assert "您好，我是陆家嘴支行的理财经理林晓燕。" in text
    for step in ("1. 问候与自我介绍", "2. 价值陈述", "3. 紧迫感", "4. 提供的第一个时间"):
        assert step in text


def test_capture_stores_once_creates_the_prospect_and_signals(client, login_as, branch, app):
    """A confirmed appointment: one row per client id, a new prospect, the signal sent once."""
    caller = login_as(Role.LOBBY_MANAGER)
    meeter = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    received = []

    def listener(sender, **kwargs):
        received.append((sender.staff_id, sender.customer.name, sender.starts_at, sender.place))

    appointment_confirmed.connect(listener)
    try:
        data = appointment_data(meeter.id)
        response = client.post_form(
            "/appointments/", data, page=FORM, headers={"HX-Request": "true"}
        )
        assert response.status_code == 201
        assert "约见已确认：赵女士 与 林晓燕" in text_of(response)
        again = client.post_form(
            "/appointments/", data, page=FORM, headers={"X-Outbox-Replay": "1"}
        )
        assert again.status_code == 303
    finally:
        appointment_confirmed.disconnect(listener)
    # 15:30 in Shanghai is 07:30 UTC, stored naive.
    assert received == [
        (meeter.id, "赵女士", datetime(2026, 11, 26, 7, 30), "陆家嘴支行二楼贵宾室")
    ]
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        assert db.session.scalar(select(func.count(Appointment.id))) == 1
        assert appointment.state == State.CONFIRMED and appointment.created_by_id == caller.id
        customer = db.session.get(Customer, appointment.customer_id)
        assert customer.acquired_via == Acquisition.APPOINTMENT and customer.mobile == "13800001111"
    detail = text_of(client.get(f"/appointments/{appointment.id}"))
    assert "二十分钟帮您梳理存款和理财" in detail and "客户当时无法办完" in detail


def test_an_existing_mobile_is_refused_and_its_customer_offered(client, login_as, branch, app):
    """A new customer typed with a mobile the branch knows is not reused silently: nothing is
    saved, the message names whose mobile it is, that customer is offered as the one chosen,
    and the name typed is kept; saving again books the appointment with them."""
    me = login_as(Role.WEALTH_MANAGER, locale="en")
    known = make_customer(branch, name="钱先生", mobile="13800002222")
    data = appointment_data(me.id, new_mobile="13800002222")
    response = client.post_form("/appointments/", data, page=FORM)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This mobile belongs to 钱先生, who is now chosen." in text_of(response)
    assert f'name="customer_id" value="{known.id}" checked' in html
    assert 'value="赵女士"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 0
        assert db.session.scalar(select(func.count(Customer.id))) == 1
    client.post_form("/appointments/", {**data, "customer_id": str(known.id)}, page=FORM)
    with app.app_context():
        assert db.session.scalar(select(Appointment.customer_id)) == known.id
        assert db.session.scalar(select(func.count(Customer.id))) == 1


def test_missing_steps_are_shown_beside_their_fields(client, login_as, app):
    """No re-confirmation, the same time twice, no customer: messages, typed values kept."""
    me = login_as(Role.WEALTH_MANAGER)
    data = appointment_data(
        me.id, reconfirmed="", option_2="2026-11-25T10:00", new_name="", place=""
    )
    del data["reconfirmed"]
    response = client.post_form("/appointments/", data, page=FORM, headers={"HX-Request": "true"})
    text = text_of(response)
    assert response.status_code == 200
    assert "保存前请与客户再次确认时间" in text and "请提供两个不同的时间" in text
    assert "请选择客户或填写新客户姓名" in text and "请填写见面地点" in text
    assert "二十分钟帮您梳理存款和理财。" in response.get_data(as_text=True)
    replay = client.post_form("/appointments/", data, page=FORM, headers={"X-Outbox-Replay": "1"})
    assert replay.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 0


def test_state_moves_and_a_reschedule_needs_a_time(client, login_as, branch, app):
    """Held, no-show, cancelled in one step; rescheduled needs its new time."""
    me = login_as(Role.WEALTH_MANAGER)
    customer = make_customer(branch, owner_id=me.id)
    client.post_form(
        "/appointments/", appointment_data(me.id, customer_id=str(customer.id)), page=FORM
    )
    with app.app_context():
        appointment_id = db.session.scalar(select(Appointment.id))
    url = f"/appointments/{appointment_id}/state"
    page = f"/appointments/{appointment_id}"
    missing = client.post_form(url, {"state": "rescheduled"}, page=page)
    assert "请填写新时间" in text_of(missing)
    moved = client.post_form(
        url, {"state": "rescheduled", "new_time": "2026-12-01T09:00"}, page=page
    )
    assert moved.status_code == 303
    client.post_form(url, {"state": "held", "note": "已购买理财"}, page=page)
    with app.app_context():
        appointment = db.session.get(Appointment, appointment_id)
        assert appointment.state == State.HELD and appointment.starts_at == datetime(
            2026, 12, 1, 1, 0
        )
    assert "已见面" in text_of(client.get("/appointments/"))


def test_access_rules_of_appointments(client, login_as, app):
    """The administrator captures none; another branch's appointment is not found."""
    login_as(Role.ADMIN)
    assert client.get(FORM).status_code == 403
    other_branch = make_branch("张江支行")
    other = make_staff(Role.WEALTH_MANAGER, other_branch)
    customer = make_customer(other_branch)
    with app.app_context():
        appointment = Appointment(
            branch_id=other_branch.id,
            created_by_id=other.id,
            staff_id=other.id,
            customer_id=customer.id,
            reason="campaign",
            option_1=datetime(2026, 11, 25),
            option_2=datetime(2026, 11, 26),
            starts_at=datetime(2026, 11, 25),
            place="别处",
        )
        db.session.add(appointment)
        db.session.commit()
        appointment_id = appointment.id
    login_as(Role.TELLER)
    assert client.get(f"/appointments/{appointment_id}").status_code == 404
    assert client.get(FORM).status_code == 200


def test_appointment_lands_in_the_meeters_schedule_and_follows_its_state(
    client, login_as, branch, app
):
    """Confirmed: one entry at the chosen time for the person who meets; moved: it moves;
    held: done; another appointment cancelled: it leaves the schedule."""
    from webapp.schedule.models import EntryKind, ScheduleEntry

    me = login_as(Role.RETAIL_AM)
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    client.post_form("/appointments/", appointment_data(wealth.id), page=FORM)
    with app.app_context():
        appointment_id = db.session.scalar(select(Appointment.id))
        [entry] = db.session.scalars(select(ScheduleEntry)).all()
        assert (entry.staff_id, entry.kind, entry.source_id) == (
            wealth.id,
            EntryKind.APPOINTMENT,
            appointment_id,
        )
        assert (
            entry.starts_at == datetime(2026, 11, 26, 7, 30) and entry.done_at is None
        )  # 15:30 Shanghai
    url, page = f"/appointments/{appointment_id}/state", f"/appointments/{appointment_id}"
    login_as(wealth)  # the appointment is the wealth manager's to change, not its booker's
    client.post_form(url, {"state": "rescheduled", "new_time": "2026-12-01T09:00"}, page=page)
    client.post_form(url, {"state": "held"}, page=page)
    with app.app_context():
        [entry] = db.session.scalars(select(ScheduleEntry)).all()
        assert entry.starts_at == datetime(2026, 12, 1, 1, 0) and entry.done_at is not None
    login_as(me)
    client.post_form(
        "/appointments/", appointment_data(wealth.id, new_mobile="13800002222"), page=FORM
    )
    with app.app_context():
        second = db.session.scalar(select(Appointment.id).where(Appointment.id != appointment_id))
    login_as(wealth)
    client.post_form(
        f"/appointments/{second}/state", {"state": "cancelled"}, page=f"/appointments/{second}"
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(ScheduleEntry.id))) == 1
    assert me.id != wealth.id
