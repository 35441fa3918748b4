"""Who may change an appointment, and the record of each change (issue 17, item 9)."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.appointments.test_appointments import FORM, appointment_data
from tests.conftest import text_of
from tests.factories import make_staff
from webapp.appointments.models import Appointment, AppointmentChange, State
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.schedule.models import ScheduleEntry


@pytest.fixture
def booked(client, login_as, branch, app):
    """An account manager's confirmed appointment, made by the lobby manager (in their schedule)."""
    owner = make_staff(Role.RETAIL_AM, branch, name="王建国")
    login_as(Role.LOBBY_MANAGER, name="孙婷婷")
    client.post_form("/appointments/", appointment_data(owner.id), page=FORM)
    with app.app_context():
        return db.session.scalar(select(Appointment.id)), owner


def _move(client, appointment_id, data):
    page = f"/appointments/{appointment_id}"
    return client.post_form(f"{page}/state", data, page=page)


def _unchanged(app, appointment_id):
    with app.app_context():
        appointment = db.session.get(Appointment, appointment_id)
        assert appointment.state == State.CONFIRMED
        assert db.session.scalar(select(func.count(ScheduleEntry.id))) == 1
        assert db.session.scalar(select(func.count(AppointmentChange.id))) == 0


@pytest.mark.parametrize(
    "role", [Role.TELLER, Role.WEALTH_MANAGER, Role.LOBBY_MANAGER, Role.CREDIT_AM]
)
def test_nobody_but_the_owner_and_the_manager_changes_it(client, login_as, app, booked, role):
    """A teller (or any colleague, the one who booked it included) cannot cancel another
    person's appointment: 403, the state and the schedule entry stay, nothing is recorded,
    and the page offers no form to them."""
    appointment_id, _owner = booked
    login_as(role)
    assert _move(client, appointment_id, {"state": "cancelled"}).status_code == 403
    _unchanged(app, appointment_id)
    page = client.get(f"/appointments/{appointment_id}")
    assert page.status_code == 200
    assert "/state" not in page.get_data(as_text=True)
    assert "只有王建国和支行长可以更改此约见" in text_of(page)


def test_the_booker_of_someone_elses_appointment_cannot_change_it(client, app, booked):
    """The lobby manager who booked it for the account manager is not its owner."""
    appointment_id, _owner = booked  # still signed in as the lobby manager who booked it
    assert _move(client, appointment_id, {"state": "cancelled"}).status_code == 403
    _unchanged(app, appointment_id)


def test_the_owner_and_the_manager_change_it_and_each_change_is_shown(
    client, login_as, app, booked
):
    """Each change records who and when (and the time it moved from and to); the page lists them."""
    appointment_id, owner = booked
    login_as(owner)
    moved = _move(client, appointment_id, {"state": "rescheduled", "new_time": "2026-12-01T09:00"})
    assert moved.status_code == 303
    login_as(Role.BRANCH_MANAGER, name="周建华")
    assert (
        _move(client, appointment_id, {"state": "cancelled", "note": "客户出差"}).status_code == 303
    )
    with app.app_context():
        changes = db.session.scalars(select(AppointmentChange).order_by(AppointmentChange.id)).all()
        assert [(c.staff.name, c.from_state, c.to_state) for c in changes] == [
            ("王建国", State.CONFIRMED, State.RESCHEDULED),
            ("周建华", State.RESCHEDULED, State.CANCELLED),
        ]
        assert changes[0].from_starts_at == datetime(2026, 11, 26, 7, 30)  # 15:30 Shanghai
        assert changes[0].to_starts_at == datetime(2026, 12, 1, 1, 0)  # 09:00 Shanghai
        assert all(c.changed_at is not None for c in changes)
        assert db.session.scalar(select(func.count(ScheduleEntry.id))) == 0
    page = text_of(client.get(f"/appointments/{appointment_id}"))
    assert "变更记录" in page
    assert "王建国" in page and "已改期" in page and "2026/12/1 09:00" in page
    assert "周建华" in page and "已取消" in page and "客户出差" in page


def test_the_administrator_sees_changes_but_changes_nothing(client, login_as, app, booked):
    """Appointments are not the administrator's to change (no appointment role at all)."""
    appointment_id, _owner = booked
    login_as(Role.ADMIN)
    assert _move(client, appointment_id, {"state": "cancelled"}).status_code == 403
    _unchanged(app, appointment_id)
