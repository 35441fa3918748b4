"""The rhythm's figures read the field, appointment and referral records (hand-counted)."""

from datetime import date, datetime

from tests.factories import make_customer, make_staff
from webapp.appointments.models import Appointment, Reason
from webapp.appointments.models import State as AppointmentState
from webapp.auth.models import Role
from webapp.field.models import Outcome, Visit
from webapp.figures import metrics
from webapp.lobby.models import Need
from webapp.referrals.models import Kind, Referral, State

# Shanghai 24 Nov 2026 runs from 23 Nov 16:00 to 24 Nov 16:00 UTC.
DAY, NEXT = date(2026, 11, 24), date(2026, 11, 25)
INSIDE, BEFORE = datetime(2026, 11, 23, 17, 0), datetime(2026, 11, 23, 15, 0)


def test_visits_appointments_and_referrals_are_counted_per_person_and_day(app, db, branch):
    """Rows just before the local day's start are left out; each person gets their own count."""
    am, teller = make_staff(Role.RETAIL_AM, branch), make_staff(Role.TELLER, branch)
    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch)
    with app.app_context():
        for when, outcome in (
            (INSIDE, Outcome.NOT_INTERESTED), (INSIDE, Outcome.INFO_COLLECTED), (BEFORE, Outcome.INFO_COLLECTED)
        ):  # fmt: skip
            db.session.add(
                Visit(branch_id=branch.id, staff_id=am.id, business_name="小店", checked_in_at=when, outcome=outcome)
            )  # fmt: skip
        for state in (AppointmentState.HELD, AppointmentState.CANCELLED):
            db.session.add(
                Appointment(
                    branch_id=branch.id, created_by_id=am.id, staff_id=wealth.id, customer_id=customer.id,
                    reason=next(iter(Reason)), option_1=INSIDE, option_2=INSIDE, starts_at=INSIDE,
                    state=state, created_at=INSIDE,
                )
            )  # fmt: skip
        for state, closed in ((State.WON, INSIDE), (State.REFERRED, None), (State.WON, BEFORE)):
            db.session.add(
                Referral(
                    branch_id=branch.id, kind=next(iter(Kind)), referrer_id=teller.id, receiver_id=wealth.id,
                    customer_id=customer.id, need=next(iter(Need)), state=state, referred_on=DAY,
                    created_at=INSIDE, closed_at=closed,
                )
            )  # fmt: skip
        db.session.commit()
        ids = [am.id, teller.id, wealth.id]
        assert metrics.visits_made(ids, DAY, NEXT) == {am.id: 2}
        assert metrics.visit_outcomes(ids, DAY, NEXT) == {am.id: 1}
        assert metrics.appointments_set(ids, DAY, NEXT) == {am.id: 2}
        assert metrics.appointments_held(ids, DAY, NEXT) == {wealth.id: 1}
        assert metrics.referrals_given(ids, DAY, NEXT) == {teller.id: 3}
        assert metrics.referrals_received(ids, DAY, NEXT) == {wealth.id: 3}
        assert metrics.referrals_won(ids, DAY, NEXT) == {teller.id: 1}


def test_evening_huddle_shows_todays_referral_ledger(app, client, login_as, db, branch):
    """The evening sheet carries the referral ledger of the day, per person."""
    from tests.conftest import text_of
    from webapp.timeutil import local_today

    login_as(Role.BRANCH_MANAGER)
    teller, wealth = (
        make_staff(Role.TELLER, branch, name="柜员甲"),
        make_staff(Role.WEALTH_MANAGER, branch),
    )
    customer = make_customer(branch)
    with app.app_context():
        db.session.add(
            Referral(
                branch_id=branch.id, kind=next(iter(Kind)), referrer_id=teller.id, receiver_id=wealth.id,
                customer_id=customer.id, need=next(iter(Need)), state=State.REFERRED,
                referred_on=local_today(),
            )
        )  # fmt: skip
        db.session.commit()
    page = text_of(client.get("/coaching/huddles/evening"))
    assert "今日转介台账" in page
    assert "柜员甲" in page


def test_prospects_schedule_and_sheet_figures(app, db, branch):
    """Stage moves, overdue follow-ups, planned local days and sheet completeness, hand-counted."""
    from webapp.prospects.models import Prospect, Stage, StageChange
    from webapp.sales.models import ProductCategory
    from webapp.schedule.models import EntryKind, ScheduleEntry

    am = make_staff(Role.RETAIL_AM, branch)
    customer = make_customer(branch, owner_id=am.id, completeness=40)
    make_customer(branch, owner_id=am.id, completeness=81)
    with app.app_context():
        overdue = Prospect(
            branch_id=branch.id, customer_id=customer.id, owner_id=am.id,
            category=ProductCategory.FUND, stage=Stage.CONTACTED, next_follow_up=date(2026, 11, 20),
        )  # fmt: skip
        later = Prospect(
            branch_id=branch.id, customer_id=customer.id, owner_id=am.id,
            category=ProductCategory.FUND, stage=Stage.NEW, next_follow_up=date(2026, 12, 20),
        )  # fmt: skip
        db.session.add_all([overdue, later])
        db.session.flush()
        db.session.add_all([
            StageChange(prospect_id=overdue.id, staff_id=am.id, from_stage=None, to_stage=Stage.NEW, changed_at=INSIDE),
            StageChange(prospect_id=overdue.id, staff_id=am.id, from_stage=Stage.NEW, to_stage=Stage.CONTACTED, changed_at=INSIDE),
        ])  # fmt: skip
        for when in (INSIDE, datetime(2026, 11, 24, 3, 0), BEFORE, datetime(2026, 11, 24, 17, 0)):
            db.session.add(
                ScheduleEntry(staff_id=am.id, branch_id=branch.id, kind=EntryKind.OTHER, title="x", starts_at=when)
            )  # fmt: skip
        db.session.commit()
        assert metrics.prospects_moved_forward([am.id], DAY, NEXT) == {am.id: 1}
        assert metrics.stale_follow_ups([am.id], DAY, NEXT) == {am.id: 1}
        # Local days: 23:00 on the 23rd, 01:00 and 11:00 on the 24th, 01:00 on the 25th: three days.
        assert metrics.schedule_days_planned([am.id], date(2026, 11, 23), date(2026, 11, 26)) == {
            am.id: 3
        }
        assert metrics.schedule_days_planned([am.id], DAY, NEXT) == {am.id: 1}
        # (40 + 81) / 2, rounded half up
        assert metrics.sheet_completeness([am.id], DAY, NEXT) == {am.id: 61}
