"""Issue 19, the lobby as a service station: satisfaction, the referral rate and the
missed-referral radar, waiting and service times, in the weekly meeting, the monthly report,
the evening huddle and on the lobby board; 明早回电 puts a call in the server's schedule."""

import re
from datetime import date, datetime, time, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_customer, make_staff
from webapp import timeutil
from webapp.auth.models import Role, Staff
from webapp.customers.models import Customer
from webapp.extensions import db as _db
from webapp.figures import lobby as lobby_figures
from webapp.figures.metrics import HOW_COUNTED
from webapp.lobby.models import CheckIn, Need, Rating, RatingReason, VisitState
from webapp.lobby.services import check_in_visitor
from webapp.referrals.models import Referral
from webapp.referrals.services import create_referral
from webapp.schedule.models import EntryKind, ScheduleEntry

HX = {"HX-Request": "true"}
WEEK = date(2026, 11, 23)  # a Monday


def _visit(
    lobby: Staff,
    server: Staff | None,
    at: datetime,
    wait: int,
    stay: int,
    *,
    need: Need = Need.DEPOSIT,
    rating: Rating | None = None,
    reason: RatingReason | None = None,
    met: bool = False,
    customer: Customer | None = None,
    referred_to: Staff | None = None,
) -> CheckIn:
    """A walk-in checked in at local time `at`, served after `wait` minutes, done after `stay`."""
    visit = check_in_visitor(
        staff=lobby, first_need=need, customer_id=customer.id if customer else None
    )
    visit.created_at = timeutil.local_to_utc(at)
    if server is not None:
        visit.served_by_id = server.id
        visit.served_at = visit.created_at + timedelta(minutes=wait)
    visit.done_at = visit.created_at + timedelta(minutes=stay)
    visit.state = VisitState.DONE
    visit.rating, visit.rating_reason, visit.met_criterion = rating, reason, met
    if referred_to is not None:
        create_referral(
            referrer=lobby, receiver=referred_to, customer=customer, need=need, check_in=visit
        )
    _db.session.flush()
    return visit


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _week_of_visits(app, branch) -> dict:
    """孙婷婷 (lobby) and 王建国 (teller) serve walk-ins in the week of WEEK; 林晓燕 receives."""
    lobby = make_staff(Role.LOBBY_MANAGER, branch, name="孙婷婷")
    teller = make_staff(Role.TELLER, branch, name="王建国")
    wealth = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    rich = make_customer(branch, name="钱多多", mobile="13912345678")
    other = make_customer(branch, name="赵大海", mobile="13912340000")
    with app.app_context():
        lobby, teller, wealth = (_db.session.get(Staff, s.id) for s in (lobby, teller, wealth))
        rich, other = (_db.session.get(Customer, c.id) for c in (rich, other))
        monday, tuesday = WEEK, WEEK + timedelta(days=1)
        # 孙婷婷: waits 4, 6, 20; rated 满意, 满意, 一般; one met a criterion and was referred.
        _visit(lobby, lobby, _at(monday, 9), 4, 10, rating=Rating.SATISFIED)
        _visit(
            lobby, lobby, _at(monday, 10), 6, 30, rating=Rating.SATISFIED, met=True,
            customer=other, referred_to=wealth, need=Need.WEALTH,
        )  # fmt: skip
        _visit(lobby, lobby, _at(tuesday, 10, 30), 20, 40, rating=Rating.NEUTRAL)
        # 王建国: waits 10, 2; one 不满意 (等候太久); two met a criterion, neither referred.
        missed = _visit(
            lobby, teller, _at(tuesday, 14), 10, 25, rating=Rating.UNSATISFIED,
            reason=RatingReason.WAIT, met=True, customer=rich,
        )  # fmt: skip
        _visit(lobby, teller, _at(tuesday, 15), 2, 5, met=True)
        # The week before and after: not counted.
        _visit(lobby, lobby, _at(WEEK - timedelta(days=1), 10), 50, 60, rating=Rating.NEUTRAL)
        _visit(lobby, teller, _at(WEEK + timedelta(days=7), 10), 50, 60, met=True)
        _db.session.commit()
        return {"missed": missed.id, "teller": teller.id, "rich": rich.id}


def test_the_figures_are_what_the_records_say(app, db, branch):
    """Satisfaction 2 of 4 rated, per person and for the branch, with the reasons; the referral rate 1 of 3; the
    missed ones under the person who served them; waits' mean and 90th percentile."""
    ids = _week_of_visits(app, branch)
    with app.app_context():
        station = lobby_figures.station(branch.id, WEEK, WEEK + timedelta(days=7))
        happy, radar, times = station["satisfaction"], station["radar"], station["times"]
        assert (happy["branch"].part, happy["branch"].whole) == (2, 4)
        assert [(str(n), r.part, r.whole) for n, r in happy["by_person"]] == [
            ("孙婷婷", 2, 3),
            ("王建国", 0, 1),
        ]
        assert happy["reasons"] == [(RatingReason.WAIT, 1)]
        assert (radar["branch"].part, radar["branch"].whole) == (1, 3)
        assert radar["branch"].percent == 33
        assert [(str(n), r.part, r.whole) for n, r in radar["by_person"]] == [
            ("孙婷婷", 1, 1),
            ("王建国", 0, 2),
        ]
        missed = {str(name): [m.check_in_id for m in ms] for name, ms in radar["missed"]}
        assert list(missed) == ["王建国"] and missed["王建国"][0] == ids["missed"]
        assert radar["missed_count"] == 2
        assert times["branch"].wait.mean == (4 + 6 + 20 + 10 + 2) / 5
        assert times["branch"].wait.p90 == 20  # nearest rank: the 5th of 5
        assert {str(n): t for n, t in times["by_person"]}["王建国"].wait.mean == 6
        assert times["branch"].visit.mean == (10 + 30 + 40 + 25 + 5) / 5
        by_day = {day: (t.count, r.part, r.whole) for day, t, r in station["days"]}
        assert by_day[WEEK] == (2, 1, 1)
        assert by_day[WEEK + timedelta(days=1)] == (3, 0, 2)
        assert by_day[WEEK + timedelta(days=2)] == (0, 0, 0)
        month = lobby_figures.station(branch.id, date(2026, 11, 1), date(2026, 12, 1))
        by_week = {week: (t.count, t.wait.p90, r.part, r.whole) for week, t, r in month["weeks"]}
        assert by_week[WEEK] == (5, 20, 1, 3)
        assert by_week[WEEK - timedelta(days=7)] == (1, 50, 0, 0)  # the Sunday before
        assert by_week[WEEK + timedelta(days=7)] == (1, 50, 0, 1)


def test_namesakes_keep_a_row_each(app, db, client, login_as, branch):
    """Two tellers called 王建国 serve walk-ins: the station table, the radar and the times have
    a row for each, with their own figures (they were merged into one row by name), each named
    with its username so the manager can tell them apart; a name no one shares stands alone."""
    lobby = make_staff(Role.LOBBY_MANAGER, branch, name="孙婷婷")
    first = make_staff(Role.TELLER, branch, name="王建国", username="wangjg1")
    second = make_staff(Role.TELLER, branch, name="王建国", username="wangjg2")
    make_staff(Role.TELLER, branch, name="王建国", username="wangjg-other")  # served no one
    with app.app_context():
        lobby, first, second = (_db.session.get(Staff, s.id) for s in (lobby, first, second))
        _visit(lobby, first, _at(WEEK, 9), 4, 10, rating=Rating.SATISFIED, met=True)
        tuesday = WEEK + timedelta(days=1)
        _visit(lobby, second, _at(tuesday, 10), 12, 20, rating=Rating.NEUTRAL)
        _visit(lobby, second, _at(tuesday, 11), 8, 20, rating=Rating.NEUTRAL, met=True)
        _db.session.commit()
        station = lobby_figures.station(branch.id, WEEK, WEEK + timedelta(days=7))
        rows = [
            (str(n), s.part, s.whole, r.whole if r else 0, t.wait.mean)
            for n, s, r, t in station["people"]
        ]
        assert sorted(rows) == [("王建国 · wangjg1", 1, 1, 1, 4), ("王建国 · wangjg2", 0, 2, 1, 10)]
        assert [str(n) for n, _ in station["radar"]["missed"]] == [
            "王建国 · wangjg1",
            "王建国 · wangjg2",
        ]
        assert len(station["times"]["by_person"]) == 2
        assert [str(n) for n, _ in station["satisfaction"]["by_person"]] == [
            "王建国 · wangjg1",
            "王建国 · wangjg2",
        ]
        only = lobby_figures.station(branch.id, WEEK, WEEK + timedelta(days=1))
        assert [str(n) for n, *_ in only["people"]] == ["王建国"]  # one of them that day
    login_as(Role.BRANCH_MANAGER)
    page = text_of(client.get(f"/reports/weekly?week={WEEK.isoformat()}"))
    assert re.search(r"王建国 · wangjg1 100% 1 0% 4.0 ", page)
    assert re.search(r"王建国 · wangjg2 0% 2 0% 10.0 ", page)
    assert "王建国 · wangjg1 漏1人" in page and "王建国 · wangjg2 漏1人" in page


def test_the_weekly_meeting_shows_satisfaction_and_referral_rate_per_person_and_the_radar(
    app, db, client, login_as, branch
):
    """The weekly meeting: the branch row and each person's satisfaction and referral rate,
    how they are counted, and the missed walk-in under 王建国 with 明早回电."""
    _week_of_visits(app, branch)
    login_as(Role.BRANCH_MANAGER)
    page = text_of(client.get(f"/reports/weekly?week={WEEK.isoformat()}"))
    assert re.search(r"网点 50% 4 33% ", page)
    assert re.search(r"孙婷婷 67% 3 100% ", page)
    assert re.search(r"王建国 0% 1 0% ", page)
    with app.test_request_context(), force_locale("zh_CN"):
        for key in ("satisfaction", "referral_rate"):  # how they are counted, the registry's
            assert str(HOW_COUNTED[key]) in page, key
    assert "漏转介" in page and "王建国 漏2人" in page
    assert "钱多多 · 存取款" in page and "明早回电" in page
    assert "等候太久 1" in page


def test_the_monthly_report_shows_the_same_figures(app, db, client, login_as, branch):
    """The monthly report of November has the week's figures (and the Sunday before)."""
    _week_of_visits(app, branch)
    login_as(Role.BRANCH_MANAGER)
    page = text_of(client.get("/reports/monthly?month=2026-11"))
    # 5 rated in the month: the week's 4 and the Sunday before's 一般.
    assert re.search(r"网点 40% 5 ", page)
    assert re.search(r"孙婷婷 50% 4 100% ", page)
    assert "满意度：" in page and "平均等候" in page
    # By week: the week of the 23rd has 5 walk-ins, 1 of 3 that met a criterion referred.
    assert re.search(r"2026/11/23 5 8.4 20.0 22.0 33% ", page)


def test_call_back_tomorrow_puts_a_follow_up_in_the_servers_schedule(
    app, db, client, login_as, branch
):
    """明早回电 on the missed walk-in: one follow-up at 09:30 tomorrow in 王建国's schedule, the
    radar then says it is in the schedule; a second tap adds nothing."""
    ids = _week_of_visits(app, branch)
    login_as(Role.BRANCH_MANAGER)
    url = f"/reports/lobby/missed/{ids['missed']}/call-back"
    page = f"/reports/weekly?week={WEEK.isoformat()}"
    answer = client.post_form(url, {}, page=page, headers=HX)
    assert answer.status_code == 200 and "明早回电：已加入日程" in text_of(answer)
    client.post_form(url, {}, page=page, headers=HX)
    with app.app_context():
        entries = _db.session.scalars(select(ScheduleEntry)).all()
        assert len(entries) == 1
        entry = entries[0]
        assert entry.staff_id == ids["teller"] and entry.customer_id == ids["rich"]
        assert entry.kind is EntryKind.FOLLOW_UP and "钱多多" in entry.title
        tomorrow = timeutil.local_today() + timedelta(days=1)
        assert timeutil.utc_to_local(entry.starts_at) == datetime.combine(tomorrow, time(9, 30))
    assert "明早回电：已加入日程" in text_of(client.get(page))


def test_call_back_only_for_a_missed_referral_with_a_customer(app, db, client, login_as, branch):
    """A walk-in that met no criterion, one that was referred, and an anonymous one: 404, and
    nothing enters a schedule."""
    _week_of_visits(app, branch)
    with app.app_context():
        rows = _db.session.execute(
            select(CheckIn.id, CheckIn.met_criterion, CheckIn.customer_id, Referral.id).outerjoin(
                Referral, Referral.check_in_id == CheckIn.id
            )
        ).all()
    plain = next(r.id for r in rows if not r.met_criterion)
    referred = next(r[0] for r in rows if r[3] is not None)
    anonymous = next(r.id for r in rows if r.met_criterion and r.customer_id is None)
    login_as(Role.BRANCH_MANAGER)
    page = f"/reports/weekly?week={WEEK.isoformat()}"
    for visit_id in (plain, referred, anonymous):
        url = f"/reports/lobby/missed/{visit_id}/call-back"
        assert client.post_form(url, {}, page=page, headers=HX).status_code == 404
    with app.app_context():
        assert _db.session.scalars(select(ScheduleEntry)).all() == []


def test_the_evening_huddle_lists_todays_missed_referrals(app, db, client, login_as, branch):
    """A 60,000 deposit checked in today meets the branch's rule; served by the teller and not
    referred, it shows in tonight's huddle under the teller."""
    customer = make_customer(branch, name="钱多多", mobile="13912345678")
    login_as(Role.LOBBY_MANAGER)
    client.post_form(
        "/lobby/check-ins",
        {"first_need": "deposit", "amount_yuan": "60000", "customer_id": customer.id},
        page="/lobby/",
        headers=HX,
    )
    client.post_form("/lobby/check-ins", {"first_need": "e_banking"}, page="/lobby/", headers=HX)
    with app.app_context():
        met = dict(_db.session.execute(select(CheckIn.first_need, CheckIn.met_criterion)).all())
        assert met == {Need.DEPOSIT: True, Need.E_BANKING: False}
        visit_id = _db.session.scalar(select(CheckIn.id).where(CheckIn.first_need == Need.DEPOSIT))
    teller = login_as(Role.TELLER, name="王建国")
    client.post_form(f"/lobby/check-ins/{visit_id}/serve", {}, page="/lobby/", headers=HX)
    client.post_form(f"/lobby/check-ins/{visit_id}/done", {}, page="/lobby/", headers=HX)
    login_as(Role.BRANCH_MANAGER)
    page = text_of(client.get("/coaching/huddles/evening"))
    assert "漏转介" in page and "王建国 漏1人" in page and "钱多多 · 存取款" in page
    assert "转介率 0%" in page
    assert teller.id


def test_the_lobby_board_shows_todays_figures(app, db, client, login_as, branch):
    """The board's panel: today's waits, satisfaction and referral rate."""
    lobby = login_as(Role.LOBBY_MANAGER, name="孙婷婷")
    with app.app_context():
        staff = _db.session.get(Staff, lobby.id)
        now = timeutil.utc_to_local(timeutil.now_naive()).replace(second=0, microsecond=0)
        start = now - timedelta(minutes=60)
        if start.date() != now.date():  # just after midnight: keep both visits today
            start = now.replace(hour=0, minute=0)
        _visit(staff, staff, start, 4, 10, rating=Rating.SATISFIED)
        _visit(staff, staff, start, 8, 12, rating=Rating.NEUTRAL, met=True)
        _db.session.commit()
    panel = text_of(client.get("/reports/lobby/today", headers=HX))
    assert "等候（平均 · 90%） 6.0 · 8.0 分钟" in panel
    assert "满意度 50% （2人评价）" in panel or "满意度 50% (2人评价)" in panel
    assert "转介率 0%" in panel
    full = text_of(client.get("/reports/lobby/today"))
    assert "按需求" in full and "孙婷婷" in full
