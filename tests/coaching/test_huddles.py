"""Commitments, the morning and evening huddles, and the carry-over from evening to morning."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_customer, make_sale, make_staff
from webapp.auth.models import Role
from webapp.auth.queries import team
from webapp.coaching import queries
from webapp.coaching.models import Commitment, HuddleKind, HuddleNote
from webapp.coaching.services import save_commitment
from webapp.timeutil import local_today

MONDAY = date(2026, 11, 2)


def _commit(app, staff, day, **values):
    with app.app_context():
        from webapp.extensions import db

        save_commitment(staff, day, values, staff)
        db.session.commit()


def _fixed_day(app, branch):
    """Wang committed 3 sales and 5 calls and made 2 sales; Li committed 1 sale and made 1."""
    wang = make_staff(Role.WEALTH_MANAGER, branch, name="王芳")
    li = make_staff(Role.RETAIL_AM, branch, name="李强")
    customer = make_customer(branch, name="张三")
    _commit(app, wang, MONDAY, sales=3, calls=5)
    _commit(app, li, MONDAY, sales=1)
    at = datetime(2026, 11, 2, 3, 0)
    make_sale(branch, wang, customer, 100_000_00, sold_at=at, product_name="季季享")
    make_sale(branch, wang, customer, 20_000_00, sold_at=at, product_name="年金险")
    make_sale(branch, li, customer, 50_000_00, sold_at=at, product_name="三年定期")
    return wang, li


def test_evening_checks_commitments_against_the_sales(app, db, branch, client, login_as):
    """Evening: done / short by N from the records: sales, and calls from the call log (a call
    the day before does not count)."""
    from webapp.appointments.models import Outcome
    from webapp.appointments.services import log_call
    from webapp.extensions import db as _db

    wang, li = _fixed_day(app, branch)
    customer = make_customer(branch, name="赵六")
    with app.app_context():
        caller = _db.session.merge(wang)
        # Monday in Shanghai runs from Sunday 16:00 to Monday 16:00 UTC: two calls count
        # (00:30 and 16:00 local), the Sunday one and the one at Tuesday 00:30 local do not.
        for n, at in enumerate((datetime(2026, 11, 1, 16, 30), datetime(2026, 11, 2, 8, 0),
                                datetime(2026, 11, 1, 8, 0), datetime(2026, 11, 2, 16, 30))):  # fmt: skip
            log_call(
                caller,
                customer=_db.session.merge(customer),
                outcome=Outcome.NO_ANSWER,
                note="",
                called_at=at,
                client_id=f"00000000-0000-4000-8000-00000000000{n}",
                payload={"n": n},
            )
        _db.session.commit()
        people = team(branch.id)
        checks = queries.check_commitments(
            people, queries.commitments_for(branch.id, MONDAY), MONDAY
        )
    assert checks[wang.id]["sales"] == {"committed": 3, "done": 2, "short": 1}
    assert checks[li.id]["sales"] == {"committed": 1, "done": 1, "short": 0}
    assert checks[wang.id]["calls"] == {"committed": 5, "done": 2, "short": 3}
    login_as(Role.BRANCH_MANAGER)
    page = text_of(client.get(f"/coaching/huddles/evening?day={MONDAY}"))
    assert "差 1" in page and "差 3" in page
    assert "2 / 3" in page and "1 / 1" in page and "2 / 5" in page


def test_what_was_not_met_carries_into_the_next_morning(app, db, branch, client, login_as):
    """Morning after: Wang's missing sale is carried over; Li met everything and has none."""
    wang, _li = _fixed_day(app, branch)
    tuesday = MONDAY + timedelta(days=1)
    with app.app_context():
        carried = queries.carry_over(branch.id, team(branch.id), tuesday)
    assert carried == {wang.id: {"day": MONDAY, "short": {"sales": 1, "calls": 5}}}
    login_as(Role.BRANCH_MANAGER, locale="en")
    response = client.get(f"/coaching/huddles/morning?day={tuesday}")
    page = text_of(response)
    # Yesterday's successes are listed automatically, largest first.
    assert page.index("季季享") < page.index("三年定期") < page.index("年金险")
    assert page.count("¥100,000.00") + page.count("100,000.00") >= 1
    wang_card = page[page.rindex("王芳") :]
    assert "Carried over from" in wang_card[: wang_card.index("Coaching note")]
    assert "Product sales short by 1" in wang_card[: wang_card.index("Coaching note")]
    assert "Calls short by 5" in wang_card[: wang_card.index("Coaching note")]
    li_card = page[page.rindex("李强") :]
    assert "Carried over" not in li_card[: li_card.index("Coaching note")]


def test_huddles_celebrate_referrals_won_and_appointments_held(app, db, branch, client, login_as):
    """Beside the sales: referrals won that day counted as the one-on-one counts them, given
    and won (the referrer's) and received and won (the receiver's), and who held appointments
    (the evening huddle: today; the morning huddle: yesterday); other days do not count."""
    from webapp.appointments.models import Appointment, Reason, State
    from webapp.extensions import db as _db
    from webapp.referrals.models import Referral
    from webapp.referrals.models import State as ReferralState

    teller = make_staff(Role.TELLER, branch, name="吴佳琪")
    wealth = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    customer = make_customer(branch, name="张三")
    monday_noon = datetime(2026, 11, 2, 4, 0)  # 12:00 in Shanghai
    with app.app_context():
        for closed in (monday_noon, monday_noon, monday_noon - timedelta(days=1)):
            _db.session.add(
                Referral(branch_id=branch.id, referrer_id=teller.id, receiver_id=wealth.id,
                         customer_id=customer.id, need="wealth", referred_on=MONDAY,
                         created_at=closed, state=ReferralState.WON, closed_at=closed)
            )  # fmt: skip
        for state in (State.HELD, State.NO_SHOW):
            _db.session.add(
                Appointment(branch_id=branch.id, created_by_id=teller.id, staff_id=wealth.id,
                            customer_id=customer.id, reason=Reason.INTERNAL_REFERRAL,
                            option_1=monday_noon, option_2=monday_noon + timedelta(days=1),
                            starts_at=monday_noon, place="贵宾室", state=state)
            )  # fmt: skip
        _db.session.commit()
        people = team(branch.id)
        assert queries.wins(people, MONDAY) == {
            "given": [("吴佳琪", 2)],
            "received": [("林晓燕", 2)],
            "appointments": [("林晓燕", 1)],
        }
    login_as(Role.BRANCH_MANAGER)
    shown = "引见成交（推荐）： 吴佳琪 2 · 收到引见成交： 林晓燕 2 · 约见已面谈： 林晓燕 1"
    evening = text_of(client.get(f"/coaching/huddles/evening?day={MONDAY}"))
    assert shown in evening
    tuesday = MONDAY + timedelta(days=1)
    morning = text_of(client.get(f"/coaching/huddles/morning?day={tuesday}"))
    assert shown in morning
    quiet = text_of(client.get(f"/coaching/huddles/evening?day={tuesday}"))
    assert "引见成交（推荐）： 无 · 收到引见成交： 无 · 约见已面谈： 无" in quiet
    # The one-on-one of the week counts the same referrals under the same words.
    one_on_one = text_of(client.get(f"/coaching/one-on-ones/{wealth.id}?week={MONDAY}"))
    assert "收到引见成交 2" in one_on_one


def test_carry_over_uses_the_last_commitment_before_the_day(app, db, branch):
    """A person who skipped a day carries over from their last committed day."""
    person = make_staff(Role.RETAIL_AM, branch)
    _commit(app, person, MONDAY, sales=2)
    with app.app_context():
        carried = queries.carry_over(branch.id, [person], MONDAY + timedelta(days=3))
    assert carried[person.id] == {"day": MONDAY, "short": {"sales": 2}}


def test_staff_enter_their_own_commitment(app, db, branch, client, login_as):
    """A teller enters today's numbers from the phone; they are stored for today."""
    teller = login_as(Role.TELLER)
    data = {"calls": "0", "appointments": "1", "referrals": "4", "visits": "0", "sales": "2"}
    response = client.post_form("/coaching/commitment", data, follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        row = db.session.scalar(select(Commitment).where(Commitment.staff_id == teller.id))
        assert (row.day, row.referrals, row.sales, row.appointments) == (local_today(), 4, 2, 1)


def test_bad_commitment_numbers_get_messages_beside_the_fields(app, db, branch, client, login_as):
    """Negative or non-numeric numbers are refused with a message; nothing is stored."""
    login_as(Role.WEALTH_MANAGER, locale="en")
    data = {"calls": "-1", "appointments": "abc", "referrals": "0", "visits": "0", "sales": "1"}
    response = client.post_form("/coaching/commitment", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="calls-error"' in html and 'id="appointments-error"' in html
    assert "0 to 999." in html
    with app.app_context():
        assert db.session.scalar(select(Commitment)) is None


def test_commitment_form_starts_from_what_was_carried_over(app, db, branch, client, login_as):
    """Yesterday's shortfall is shown and pre-filled in today's commitment."""
    person = login_as(Role.RETAIL_AM, locale="en")
    with app.app_context():
        yesterday = local_today() - timedelta(days=1)
    _commit(app, person, yesterday, sales=2, calls=4)
    response = client.get("/coaching/commitment")
    page = text_of(response)
    assert "Carried over" in page and "short by 2" in page
    assert 'name="sales" type="number" value="2"' in response.get_data(as_text=True) or (
        'value="2"' in response.get_data(as_text=True)
    )


def test_manager_saves_coaching_notes(app, db, branch, client, login_as):
    """One note per person per huddle; an emptied note is removed."""
    person = make_staff(Role.WEALTH_MANAGER, branch)
    login_as(Role.BRANCH_MANAGER)
    url = f"/coaching/huddles/morning?day={MONDAY}"
    client.post_form(url, {f"note-{person.id}": "开场白再简短些"})
    with app.app_context():
        note = db.session.scalar(select(HuddleNote))
        assert (note.staff_id, note.day, note.kind, note.note) == (
            person.id, MONDAY, HuddleKind.MORNING, "开场白再简短些"
        )  # fmt: skip
    assert "开场白再简短些" in text_of(client.get(url))
    client.post_form(url, {f"note-{person.id}": "  "})
    with app.app_context():
        assert db.session.scalar(select(HuddleNote)) is None


def test_huddles_are_the_managers_and_commitments_the_staffs(app, db, branch, client, login_as):
    """Staff cannot open the huddle sheet; the manager has no commitment page of their own."""
    login_as(Role.TELLER)
    assert client.get("/coaching/huddles/morning").status_code == 403
    assert client.get("/coaching/commitment").status_code == 200
    login_as(Role.BRANCH_MANAGER)
    assert client.get("/coaching/commitment").status_code == 403
    assert client.get("/coaching/huddles/nightly").status_code == 404
    login_as(Role.ADMIN)
    assert client.get("/coaching/huddles/evening").status_code == 403


def test_days_are_the_branchs_days(app, db, branch):
    """A sale at 23:30 in Shanghai counts on that day; one at 00:30 on the next."""
    person = make_staff(Role.RETAIL_AM, branch)
    customer = make_customer(branch)
    make_sale(branch, person, customer, 100, sold_at=datetime(2026, 11, 2, 15, 30))  # 23:30 +08
    make_sale(branch, person, customer, 100, sold_at=datetime(2026, 11, 2, 16, 30))  # 00:30 +08
    with app.app_context():
        assert len(queries.successes(branch.id, MONDAY)) == 1
        assert len(queries.successes(branch.id, MONDAY + timedelta(days=1))) == 1
