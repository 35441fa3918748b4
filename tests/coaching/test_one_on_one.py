"""The weekly one-on-one: plan items done or not, notes, privacy of career notes, trend."""

from datetime import date, datetime

from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import _save, make_branch, make_customer, make_sale, make_staff
from webapp.auth.models import Role
from webapp.coaching.models import OneOnOne, PlanItem
from webapp.extensions import db as _db
from webapp.figures.models import NEW_CUSTOMERS, Target

WEEK = date(2026, 11, 9)  # a Monday
PREV = date(2026, 11, 2)


def _meeting_with_items(app, branch, person, manager, done_flags):
    """Last week's meeting whose plan items (for WEEK) are done as given."""
    customer = make_customer(branch, name="赵敏", owner_id=person.id)
    with app.app_context():
        meeting = OneOnOne(
            branch_id=branch.id, staff_id=person.id, manager_id=manager.id, week=PREV,
            manager_notes="多用两个时间选项", career_notes="明年考AFP",
        )  # fmt: skip
        _db.session.add(meeting)
        _db.session.flush()
        ids = []
        for i, done in enumerate(done_flags):
            item = PlanItem(
                branch_id=branch.id, staff_id=person.id, one_on_one_id=meeting.id, week=WEEK,
                customer_id=customer.id, action=f"跟进事项{i}", due_on=WEEK, done=done,
            )  # fmt: skip
            _db.session.add(item)
            _db.session.flush()
            ids.append(item.id)
        _db.session.commit()
        return ids


def test_week_with_plan_items_shows_done_and_not_done(app, db, branch, client, login_as):
    """Two of three items done; a week with no items says so."""
    manager = login_as(Role.BRANCH_MANAGER, locale="en")
    person = make_staff(Role.WEALTH_MANAGER, branch, name="林晓")
    _meeting_with_items(app, branch, person, manager, [True, True, False])
    page = text_of(client.get(f"/coaching/one-on-ones/{person.id}?week={WEEK}"))
    assert "2 of 3 done" in page
    assert page.count("not done") == 1 and "跟进事项2" in page and "赵敏" in page
    other = text_of(client.get(f"/coaching/one-on-ones/{person.id}?week=2026-11-16"))
    assert "No plan items were agreed for this week." in other
    # The earlier meeting is in the history of the later weeks.
    assert "多用两个时间选项" in other


def test_manager_marks_items_and_plans_next_week(app, db, branch, client, login_as):
    """Saving marks the shown items; a new item lands in the following week."""
    manager = login_as(Role.BRANCH_MANAGER)
    person = make_staff(Role.RETAIL_AM, branch)
    ids = _meeting_with_items(app, branch, person, manager, [False, True])
    url = f"/coaching/one-on-ones/{person.id}?week={WEEK}"
    client.post_form(
        url,
        {
            "do": "save", "manager_notes": "继续加油", "own_notes": "", "career_notes": "",
            "shown_item": [str(i) for i in ids], "done_item": [str(ids[0])],
        },
    )  # fmt: skip
    added = client.post_form(
        url,
        {
            "do": "add-item",
            "item-customer_id": "0",
            "item-action": "电话约见王总",
            "item-due_on": "2026-11-18",
        },
    )
    assert added.status_code == 302 and added.headers["Location"].endswith("#next-title")
    with app.app_context():
        done = dict(_db.session.execute(select(PlanItem.id, PlanItem.done)).all())
        assert done[ids[0]] is True and done[ids[1]] is False
        meeting = _db.session.scalar(select(OneOnOne).where(OneOnOne.week == WEEK))
        assert meeting.manager_notes == "继续加油"
        new = _db.session.scalar(select(PlanItem).where(PlanItem.action == "电话约见王总"))
        assert (new.week, new.due_on, new.one_on_one_id) == (
            date(2026, 11, 16),
            date(2026, 11, 18),
            meeting.id,
        )
        from webapp.schedule.models import ScheduleEntry

        entry = _db.session.scalar(select(ScheduleEntry).where(ScheduleEntry.source_id == new.id))
        assert (entry.staff_id, entry.title, entry.source_type) == (
            person.id,
            "电话约见王总",
            "plan_item",
        )


def test_bad_plan_item_is_refused_beside_the_field(app, db, branch, client, login_as):
    """An item without an action or date gets messages; nothing stored."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    person = make_staff(Role.RETAIL_AM, branch)
    response = client.post_form(
        f"/coaching/one-on-ones/{person.id}?week={WEEK}",
        {"do": "add-item", "item-customer_id": "0", "item-action": "", "item-due_on": "not a date"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Say what will be done." in html
    with app.app_context():
        assert _db.session.scalar(select(PlanItem)) is None


def test_plan_item_customer_is_searched_among_the_persons_own(app, db, branch, client, login_as):
    """The picker offers the person's customers only; the chosen one is stored with the item."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    person = make_staff(Role.RETAIL_AM, branch)
    colleague = make_staff(Role.RETAIL_AM, branch)
    own = make_customer(branch, name="王建国", mobile="13900001234", owner_id=person.id)
    make_customer(branch, name="王建华", mobile="13900005678", owner_id=colleague.id)
    make_customer(make_branch(), name="王建业", owner_id=person.id)  # not in the branch
    url, plan = (
        "/customers/picker",
        {"owner": person.id, "field": "item-customer_id", "none": "plan"},
    )
    for term in ("王建", "1234", "wjg"):
        found = client.get(url, query_string={**plan, "q": term}, headers={"HX-Request": "true"})
        assert text_of(found) == "(no particular customer) 王建国 139****1234"
    nothing = client.get(url, query_string={**plan, "q": "5678"}, headers={"HX-Request": "true"})
    assert "No customer matches “5678”." in text_of(nothing)
    page = client.get(f"/coaching/one-on-ones/{person.id}").get_data(as_text=True)
    assert 'name="item-customer_id" value="" checked' in page and "王建国" not in page
    client.post_form(
        f"/coaching/one-on-ones/{person.id}?week={WEEK}",
        {
            "do": "add-item",
            "item-customer_id": str(own.id),
            "item-action": "约王总面谈",
            "item-due_on": "2026-11-18",
        },
    )
    with app.app_context():
        item = _db.session.scalar(select(PlanItem))
        assert (item.customer_id, item.action) == (own.id, "约王总面谈")
    login_as(colleague)
    assert (
        client.get(
            url, query_string={**plan, "q": "王"}, headers={"HX-Request": "true"}
        ).status_code
        == 403
    )
    login_as(Role.BRANCH_MANAGER, branch=make_branch())
    assert (
        client.get(
            url, query_string={**plan, "q": "王"}, headers={"HX-Request": "true"}
        ).status_code
        == 404
    )


def test_plan_item_for_someone_elses_customer_is_refused(app, db, branch, client, login_as):
    """A colleague's customer gets a message beside the picker; what was typed stays."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    person = make_staff(Role.RETAIL_AM, branch, name="林晓")
    colleague = make_staff(Role.RETAIL_AM, branch)
    theirs = make_customer(branch, name="王建华", owner_id=colleague.id)
    response = client.post_form(
        f"/coaching/one-on-ones/{person.id}?week={WEEK}",
        {
            "do": "add-item",
            "item-customer_id": str(theirs.id),
            "item-action": "约王总面谈",
            "item-due_on": "2026-11-18",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Pick one of 林晓&#39;s customers." in html
    assert 'value="约王总面谈"' in html
    with app.app_context():
        assert _db.session.scalar(select(PlanItem)) is None


def test_chosen_customer_stays_chosen_when_the_item_is_refused(app, db, branch, client, login_as):
    """A missing action is refused; the customer picked is still the checked chip."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    person = make_staff(Role.RETAIL_AM, branch)
    own = make_customer(branch, name="王建国", mobile="13900001234", owner_id=person.id)
    response = client.post_form(
        f"/coaching/one-on-ones/{person.id}?week={WEEK}",
        {"do": "add-item", "item-customer_id": str(own.id), "item-action": "", "item-due_on": ""},
    )
    html = response.get_data(as_text=True)
    assert "Say what will be done." in html
    assert f'name="item-customer_id" value="{own.id}" checked' in html


def test_career_notes_are_private_to_the_two_and_the_admin(app, db, branch, client, login_as):
    """The person and the admin see them; a colleague or a teller is refused; another branch 404."""
    manager = make_staff(Role.BRANCH_MANAGER, branch)
    person = make_staff(Role.WEALTH_MANAGER, branch)
    _meeting_with_items(app, branch, person, manager, [])
    url = f"/coaching/one-on-ones/{person.id}?week={PREV}"
    login_as(person)
    assert "明年考AFP" in client.get(url).get_data(as_text=True)
    login_as(manager)
    assert "明年考AFP" in client.get(url).get_data(as_text=True)
    login_as(Role.WEALTH_MANAGER)
    assert client.get(url).status_code == 403
    login_as(Role.TELLER)
    assert client.get(url).status_code == 403
    login_as(Role.BRANCH_MANAGER, branch=make_branch())
    assert client.get(url).status_code == 404
    region = make_branch("管辖行")
    with app.app_context():
        from webapp.auth.models import Branch

        row = _db.session.get(Branch, branch.id)
        row.parent_id = region.id
        _db.session.commit()
    login_as(Role.ADMIN, branch=region)
    assert "明年考AFP" in client.get(url).get_data(as_text=True)


def test_person_writes_own_notes_but_not_the_managers(app, db, branch, client, login_as):
    """The salesperson saves their notes; the coaching notes field is not theirs to change."""
    manager = make_staff(Role.BRANCH_MANAGER, branch)
    person = make_staff(Role.CREDIT_AM, branch)
    _meeting_with_items(app, branch, person, manager, [])
    login_as(person)
    client.post_form(
        f"/coaching/one-on-ones/{person.id}?week={PREV}",
        {
            "do": "save",
            "own_notes": "本周约见3位企业主",
            "manager_notes": "改掉",
            "career_notes": "x",
        },
    )
    with app.app_context():
        meeting = _db.session.scalar(select(OneOnOne))
        assert (meeting.own_notes, meeting.manager_notes) == (
            "本周约见3位企业主",
            "多用两个时间选项",
        )


def test_week_figures_and_eight_week_trend(app, db, branch, client, login_as):
    """Sales made this week and the credit per week come from the sales; others show "—"."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    person = make_staff(Role.WEALTH_MANAGER, branch)
    teller = make_staff(Role.TELLER, branch)
    customer = make_customer(branch)
    from webapp.sales.models import CreditRole

    make_sale(branch, person, customer, 10_000_00, sold_at=datetime(2026, 11, 10, 2))
    make_sale(
        branch, person, customer, 5_000_00, sold_at=datetime(2026, 11, 3, 2),
        credit=[(teller.id, CreditRole.REFERRER, 6000), (person.id, CreditRole.SELLER, 4000)],
    )  # fmt: skip
    make_sale(branch, person, customer, 7_000_00, sold_at=datetime(2026, 10, 31, 2))  # October
    november = date(2026, 11, 1)
    for metric, value in (
        ("wealth_management", 20_000_00),
        ("deposit", 10_000_00),
        (NEW_CUSTOMERS, 5),
    ):
        _save(
            Target(branch_id=branch.id, staff_id=person.id, month=november, metric=metric,
                   value=value, set_by_id=teller.id)
        )  # fmt: skip
    response = client.get(f"/coaching/one-on-ones/{person.id}?week={WEEK}")
    page = text_of(response)
    # November's credit (10,000 + 2,000) against the yuan categories' targets (the count left out).
    assert "Credit this month (yuan) 12,000 / 30,000 (40%)" in page
    figures = page[page.index("The week's figures") : page.index("Use of the four sales tools")]
    assert "Sales made 1" in figures and "Visits 0" in figures
    trend = page[page.index("Last eight weeks") :]
    # Oldest first: ... 10/26 has October's 7,000, 11/02 2,000 (40% of 5,000), 11/09 10,000.
    assert "Credit (yuan) 0 0 0 0 0 7,000 2,000 10,000" in trend
    assert "Sales made 0 0 0 0 0 1 1 1" in trend
    assert "<svg" in response.get_data(as_text=True) and "<title>" in response.get_data(
        as_text=True
    )


def test_one_on_one_list_shows_who_is_due(app, db, branch, client, login_as):
    """Salespeople without this week's one-on-one are due; tellers are not listed."""
    login_as(Role.BRANCH_MANAGER, locale="en")
    make_staff(Role.WEALTH_MANAGER, branch, name="甲")
    make_staff(Role.TELLER, branch, name="乙")
    page = text_of(client.get("/coaching/one-on-ones/"))
    assert "甲" in page and "due this week" in page and "乙" not in page
