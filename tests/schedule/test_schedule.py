"""The schedule over HTTP: adding, completing, the week summary, add_entry for other domains."""

from datetime import datetime, timedelta

from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_staff
from webapp import timeutil
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.schedule import queries, services
from webapp.schedule.models import EntryKind, ScheduleEntry


def test_add_an_activity_and_see_it_on_the_day(app, client, login_as):
    """The form saves the entry at the local time given; the day view lists it."""
    me = login_as(Role.CORPORATE_AM)
    response = client.post_form(
        "/schedule/new",
        {
            "kind": "field_visit",
            "title": "拜访恒信商贸",
            "day": "2026-12-01",
            "start": "10:30",
            "minutes": "90",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        entry = _db.session.scalars(select(ScheduleEntry)).one()
        assert entry.staff_id == me.id and entry.starts_at == datetime(2026, 12, 1, 2, 30)
        assert entry.ends_at - entry.starts_at == timedelta(minutes=90)
    page = text_of(client.get("/schedule/?day=2026-12-01"))
    assert "拜访恒信商贸" in page and "10:30" in page


def test_missing_title_is_shown_beside_the_field(app, client, login_as):
    """Bad input: 200 with the message, nothing saved."""
    login_as(Role.CORPORATE_AM)
    response = client.post_form(
        "/schedule/new", {"kind": "meeting", "title": "", "day": "2026-12-01", "start": "9:00"}
    )
    assert response.status_code == 200 and 'id="title-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalars(select(ScheduleEntry)).first() is None


def test_complete_an_entry_in_one_tap(app, client, login_as, branch):
    """htmx POST marks it done and returns the row; a colleague's entry is a 404."""
    me = login_as(Role.RETAIL_AM)
    with app.app_context():
        entry = services.create_entry(
            staff_id=me.id,
            branch_id=branch.id,
            kind=EntryKind.MEETING,
            title="晨会",
            starts_at=datetime(2026, 12, 1, 0, 30),
        )
        _db.session.commit()
        entry_id = entry.id
    row = client.post_form(
        f"/schedule/{entry_id}/done",
        {"done": "1"},
        page="/schedule/",
        headers={"HX-Request": "true"},
    )
    assert "entry--done" in row.get_data(as_text=True)
    with app.app_context():
        assert _db.session.get(ScheduleEntry, entry_id).done_at is not None
    login_as(Role.RETAIL_AM)
    assert (
        client.post_form(f"/schedule/{entry_id}/done", {"done": "1"}, page="/schedule/").status_code
        == 404
    )


def test_week_summary_counts_days_planned_and_done(app, db, branch):
    """One query: entries per local day, done per day, days planned and days with something done."""
    person = make_staff(Role.RETAIL_AM, branch)
    other = make_staff(Role.RETAIL_AM, branch)
    monday = datetime(2026, 11, 30).date()
    with app.app_context():

        def add(staff, day, hour, done):
            e = services.add_entry(
                staff_id=staff.id,
                branch_id=branch.id,
                kind=EntryKind.FIELD_VISIT,
                title="x",
                starts_at=timeutil.local_to_utc(
                    datetime.combine(monday + timedelta(days=day), datetime.min.time())
                    + timedelta(hours=hour)
                ),
            )
            e.done_at = e.starts_at if done else None

        add(person, 0, 0.5, True)  # 00:30 local Monday is Sunday in UTC: still Monday
        add(person, 0, 15, False)
        add(person, 2, 10, True)
        add(person, 7, 10, True)  # next Monday: outside
        add(other, 1, 10, True)
        _db.session.commit()
        summary = queries.week_summary(person.id, monday)
    assert [(d["planned"], d["done"]) for d in summary["days"]] == [
        (2, 1),
        (0, 0),
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ]
    assert (summary["planned"], summary["done"], summary["days_planned"], summary["days_done"]) == (
        3,
        2,
        2,
        2,
    )


def test_week_view_shows_planned_against_done(app, client, login_as, branch):
    """The week page shows the figures the one-on-one reads."""
    me = login_as(Role.WEALTH_MANAGER)
    with app.app_context():
        services.create_entry(
            staff_id=me.id,
            branch_id=branch.id,
            kind=EntryKind.APPOINTMENT,
            title="约见林先生",
            starts_at=timeutil.local_to_utc(datetime(2026, 12, 2, 14, 0)),
        )
        _db.session.commit()
    page = text_of(client.get("/schedule/week?start=2026-12-02"))
    assert "约见林先生" in page and "1/7" in page


def test_sync_source_entry_moves_rather_than_copies(app, db, branch):
    """A follow-up date moved twice leaves one entry, at the new date."""
    person = make_staff(Role.RETAIL_AM, branch)
    with app.app_context():
        for day in (datetime(2026, 12, 1).date(), datetime(2026, 12, 4).date()):
            services.sync_source_entry(
                source_type="prospect",
                source_id=7,
                on=day,
                staff_id=person.id,
                branch_id=branch.id,
                kind=EntryKind.FOLLOW_UP,
                title="跟进",
            )
            _db.session.commit()
        entries = _db.session.scalars(select(ScheduleEntry)).all()
        assert len(entries) == 1 and timeutil.utc_to_local(entries[0].starts_at).date().day == 4
        services.sync_source_entry(
            source_type="prospect",
            source_id=7,
            on=None,
            staff_id=person.id,
            branch_id=branch.id,
            kind=EntryKind.FOLLOW_UP,
            title="跟进",
        )
        _db.session.commit()
        assert _db.session.scalars(select(ScheduleEntry)).first() is None


def test_admin_has_no_schedule(app, client, login_as):
    """The administrator has no personal schedule."""
    login_as(Role.ADMIN)
    assert client.get("/schedule/").status_code == 403


def test_branch_manager_reviews_a_colleagues_week(app, client, login_as, branch):
    """The manager picks a person and sees their week read-only; others cannot look."""
    seller = make_staff(Role.RETAIL_AM, branch, name="被查看者")
    with app.app_context():
        services.create_entry(
            staff_id=seller.id,
            branch_id=branch.id,
            kind=EntryKind.FIELD_VISIT,
            title="拜访鑫源",
            starts_at=timeutil.local_to_utc(datetime(2026, 12, 2, 10, 0)),
        )
        _db.session.commit()
    login_as(Role.BRANCH_MANAGER)
    html = client.get(f"/schedule/week?start=2026-12-02&staff={seller.id}").get_data(as_text=True)
    assert "拜访鑫源" in html and "被查看者" in html and "/done" not in html
    login_as(Role.RETAIL_AM)
    assert "拜访鑫源" not in text_of(
        client.get(f"/schedule/week?start=2026-12-02&staff={seller.id}")
    )
