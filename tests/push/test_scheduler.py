"""Scheduled reminders fire at the right time (time injected), once, respecting preferences."""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from tests.factories import make_staff
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.push import services
from webapp.push.delivery import deliver_due
from webapp.push.models import Kind, Notification, Status
from webapp.push.scheduler import (
    appointment_reminders,
    field_visit_mornings,
    nudge_uncommitted,
    remind_appointments,
    run_scheduled,
)

CUSTOMER = SimpleNamespace(name="张伟", masked_mobile="139****5678")


def local(hour: int, minute: int = 0, day: int = 24) -> datetime:
    """A Shanghai wall-clock time on 24 Nov 2026 as the naive UTC the app stores."""
    return datetime(2026, 11, day, hour, minute) - timedelta(hours=8)


def appointment(staff, starts_at, id=7, place="网点贵宾室"):
    """Test-only stand-in with the Appointment attributes webapp/signals.py documents."""
    return SimpleNamespace(
        id=id,
        staff_id=staff.id,
        customer=CUSTOMER,
        starts_at=starts_at,
        place=place,
        branch_id=staff.branch_id,
    )


def notifications(kind=None):
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query).all()


def test_appointment_reminder_at_the_default_lead_time_once(app, db, branch):
    """30 minutes before by default: not at 09:29 for a 10:00 meeting, at 09:30, and only once."""
    staff = make_staff(Role.WEALTH_MANAGER, branch)
    with app.app_context():
        item = appointment(staff, local(10))
        assert remind_appointments([item], local(9, 29)) == 0
        assert remind_appointments([item], local(9, 30)) == 1
        db.session.commit()
        assert remind_appointments([item], local(9, 31)) == 0
        [n] = notifications()
        assert (n.staff_id, n.kind, n.expires_at) == (
            staff.id,
            Kind.APPOINTMENT_REMINDER,
            local(10),
        )
        assert n.title == "10:00 约见：张伟 139****5678" and n.body == "网点贵宾室"
        assert n.url == "/appointments/7"


def test_appointment_lead_time_is_per_person_and_a_moved_meeting_reminds_again(app, db, branch):
    """A one-hour lead fires at 09:00; moving the meeting to 11:00 gives a new reminder at 10:00."""
    staff = make_staff(Role.CREDIT_AM, branch)
    with app.app_context():
        services.save_preferences(db.session.merge(staff), {"lead_minutes": 60})
        assert remind_appointments([appointment(staff, local(10))], local(8, 59)) == 0
        assert remind_appointments([appointment(staff, local(10))], local(9)) == 1
        db.session.commit()
        assert remind_appointments([appointment(staff, local(11))], local(9, 30)) == 0
        assert remind_appointments([appointment(staff, local(11))], local(10)) == 1
        db.session.commit()
        assert [n.title for n in notifications()] == [
            "10:00 约见：张伟 139****5678",
            "11:00 约见：张伟 139****5678",
        ]


def test_appointment_reminders_follow_preferences_and_quiet_hours(
    app, db, branch, device_for, push_service
):
    """Turned off: nothing written. Quiet until after the meeting: written, then expired, never sent."""
    off = make_staff(Role.RETAIL_AM, branch)
    quiet = make_staff(Role.RETAIL_AM, branch)
    device_for(quiet)
    with app.app_context():
        services.save_preferences(db.session.merge(off), {"appointment_reminder": False})
        services.save_preferences(
            db.session.merge(quiet), {"quiet_start": time(9), "quiet_end": time(12)}
        )
        made = remind_appointments(
            [appointment(off, local(10), id=1), appointment(quiet, local(10), id=2)], local(9, 30)
        )
        db.session.commit()
        assert made == 1
        # Quiet hours end after the meeting starts: the reminder is useless, so it expires.
        assert deliver_due(local(9, 30)) == {"expired": 1}
        assert [n.status for n in notifications()] == [Status.EXPIRED]
    assert push_service.received == []


def test_commitment_nudge_before_the_morning_huddle(app, db, branch):
    """Huddle 08:30, nudge from 08:15 to those without a commitment, once, and not after 08:30."""
    committed, waiting = (
        make_staff(Role.TELLER, branch),
        make_staff(Role.RETAIL_AM, branch, locale="en"),
    )
    staff = [committed, waiting]
    with app.app_context():
        assert nudge_uncommitted(staff, {committed.id}, local(8, 14)) == 0
        assert nudge_uncommitted(staff, {committed.id}, local(8, 15)) == 1
        db.session.commit()
        assert nudge_uncommitted(staff, {committed.id}, local(8, 20)) == 0
        [n] = notifications()
        assert n.staff_id == waiting.id and n.kind == Kind.COMMITMENT_NUDGE
        assert n.title == "Today's commitment"  # in the recipient's language
        assert (
            n.body == "The morning huddle starts at 8:30\u202fAM: enter your commitment for today."
        )
        assert n.expires_at == local(8, 30)
        # The next day nudges again.
        assert nudge_uncommitted(staff, set(), local(8, 29, day=25)) == 2


def test_commitment_nudge_time_is_configurable(app, db, branch):
    """PUSH_MORNING_HUDDLE_AT moves the window."""
    staff = make_staff(Role.TELLER, branch)
    app.config["PUSH_MORNING_HUDDLE_AT"] = "09:00"
    try:
        with app.app_context():
            assert nudge_uncommitted([staff], set(), local(8, 20)) == 0
            assert nudge_uncommitted([staff], set(), local(8, 45)) == 1
    finally:
        del app.config["PUSH_MORNING_HUDDLE_AT"]


def test_no_commitment_nudges_when_the_lead_is_zero(app, db, branch, monkeypatch):
    """PUSH_NUDGE_MINUTES=0 (config as a number, or the environment) turns the nudge off."""
    staff = make_staff(Role.TELLER, branch)
    with app.app_context():
        assert nudge_uncommitted([staff], set(), local(8, 29)) == 1
        monkeypatch.setitem(app.config, "PUSH_NUDGE_MINUTES", 0)
        assert nudge_uncommitted([staff], set(), local(8, 29, day=25)) == 0
        monkeypatch.delitem(app.config, "PUSH_NUDGE_MINUTES")
        monkeypatch.setenv("PUSH_NUDGE_MINUTES", "0")
        assert nudge_uncommitted([staff], set(), local(8, 29, day=25)) == 0


def test_field_visit_morning_reminder(app, db, branch):
    """07:30 on a day with a planned sweep: one notification per person with the stop count."""
    from webapp.field.models import AreaKind, Stop, Sweep

    am = make_staff(Role.CORPORATE_AM, branch)
    with app.app_context():
        sweep = Sweep(
            branch_id=branch.id, staff_id=am.id, area="张江高科园区",
            area_kind=next(iter(AreaKind)), day=local(8).date(),
        )  # fmt: skip
        sweep.stops = [Stop(name="上海浦江贸易有限公司"), Stop(name="张江精密机械有限公司")]
        tomorrow = Sweep(
            branch_id=branch.id, staff_id=am.id, area="金桥", area_kind=next(iter(AreaKind)),
            day=local(8, day=25).date(),
        )  # fmt: skip
        db.session.add_all([sweep, tomorrow])
        db.session.commit()
        assert field_visit_mornings(local(7, 29)) == 0
        assert field_visit_mornings(local(10, 31)) == 0
        assert field_visit_mornings(local(7, 30)) == 1
        db.session.commit()
        assert field_visit_mornings(local(8)) == 0
        [n] = notifications(Kind.FIELD_VISIT_MORNING)
        assert n.title == "今天有 2 个外勤拜访"
        assert n.body == "跑市场：张江高科园区"


def test_cancelled_appointments_get_no_reminder(app, db, branch):
    """Only confirmed or rescheduled appointments are reminded of, with the real model."""
    from tests.factories import make_customer
    from webapp.appointments.models import Appointment, Reason, State

    am = make_staff(Role.RETAIL_AM, branch)
    customer = make_customer(branch)
    with app.app_context():
        for state in (State.CONFIRMED, State.CANCELLED, State.HELD):
            db.session.add(
                Appointment(
                    branch_id=branch.id, created_by_id=am.id, staff_id=am.id,
                    customer_id=customer.id, reason=next(iter(Reason)), option_1=local(10),
                    option_2=local(11), starts_at=local(10), state=state,
                )
            )  # fmt: skip
        db.session.commit()
        assert appointment_reminders(local(9, 35)) == 1
        db.session.commit()
        assert len(notifications(Kind.APPOINTMENT_REMINDER)) == 1


def test_commitment_nudge_reads_todays_commitments(app, db, branch):
    """With the coaching domain's Commitment table: whoever entered today's commitment is spared."""
    from webapp.coaching.models import Commitment

    done, waiting = make_staff(Role.TELLER, branch), make_staff(Role.WEALTH_MANAGER, branch)
    make_staff(Role.BRANCH_MANAGER, branch)  # the manager runs the huddle: no nudge
    with app.app_context():
        db.session.add(
            Commitment(
                branch_id=branch.id,
                staff_id=done.id,
                day=local(8).date(),
                entered_by_id=done.id,
                calls=5,
            )
        )
        db.session.add(
            Commitment(
                branch_id=branch.id,
                staff_id=waiting.id,
                day=local(8, day=23).date(),
                entered_by_id=waiting.id,
            )
        )
        db.session.commit()
        made = run_scheduled(local(8, 20))
        assert made["commitment_nudges"] == 1
        [n] = notifications()
        assert (n.staff_id, n.kind, n.url) == (
            waiting.id,
            Kind.COMMITMENT_NUDGE,
            "/coaching/commitment",
        )
        assert run_scheduled(local(8, 25))["commitment_nudges"] == 0
