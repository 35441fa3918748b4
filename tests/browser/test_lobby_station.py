"""Issue 19, the lobby as a service station, on the tablet (1024x768) and the owner's phone
(390x844): the appointment handshake, and the customer's one-tap rating at 办结."""

from datetime import datetime, time, timedelta

from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import TABLET, WAIT_MS, phone, sign_in
from tests.browser.test_lobby_loop import _check_in, _customer_not_seen_today
from webapp import timeutil
from webapp.appointments.models import Appointment, Reason, State
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.lobby.models import CheckIn, Rating, RatingReason
from webapp.push.models import Notification
from webapp.referrals.models import Referral
from webapp.schedule.models import ScheduleEntry


def _tablet(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=TABLET, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    return context


def _appointment_today(live_app, customer_name: str, owner_username: str) -> tuple[int, str]:
    """A confirmed appointment of the customer with the owner, late today; (id, "HH:MM")."""
    with live_app.app_context():
        owner = db.session.scalar(select(Staff).where(Staff.username == owner_username))
        customer = db.session.scalar(
            select(Customer).where(
                Customer.name == customer_name, Customer.branch_id == owner.branch_id
            )
        )
        local = datetime.combine(timeutil.local_today(), time(23, 30))
        starts = timeutil.local_to_utc(local)
        appointment = Appointment(
            branch_id=owner.branch_id, created_by_id=owner.id, staff_id=owner.id,
            customer_id=customer.id, reason=Reason.INTERNAL_REFERRAL, option_1=starts,
            option_2=starts + timedelta(days=1), starts_at=starts, place="贵宾室",
        )  # fmt: skip
        db.session.add(appointment)
        db.session.commit()
        return appointment.id, "23:30"


def test_the_handshake_on_the_board_and_the_owner_starts_serving_from_her_phone(
    browser, live_server, live_app, shots
):
    """Checking in a customer with an appointment today shows 有约见 23:30 · 林晓燕 on the
    board and pushes 林晓燕; on her phone the appointment says the customer is here, 开始接待
    holds it (已见面), and the board shows 已见面."""
    name = _customer_not_seen_today(live_app)
    appointment_id, at = _appointment_today(live_app, name, "wealth1")
    tablet = _tablet(browser, live_server)
    lobby = tablet.new_page()
    sign_in(lobby, "lobby1")
    lobby.goto("/lobby/")
    _check_in(lobby, "理财", name)
    expect(lobby.locator("#check-in-panel .result")).to_contain_text(name)
    row = lobby.locator("#board-rows .visit").filter(has_text=name).first
    expect(row.locator(".visit__appointment")).to_contain_text(f"有约见 {at} · 林晓燕")
    expect(row.locator("button:has-text('交给林晓燕')")).to_be_visible()
    row.scroll_into_view_if_needed()
    lobby.screenshot(path=shots / "issue19-handshake-tablet-board.png")
    with live_app.app_context():
        pushed = db.session.scalars(
            select(Notification).where(Notification.url == f"/appointments/{appointment_id}")
        ).all()
        assert len(pushed) == 1 and name in pushed[0].title

    owner_ctx = phone(browser, live_server)
    owner = owner_ctx.new_page()
    sign_in(owner, "wealth1")
    owner.goto(f"/appointments/{appointment_id}")
    expect(owner.locator("#arrived-title")).to_contain_text("已在大堂登记")
    owner.screenshot(path=shots / "issue19-handshake-phone-appointment.png", full_page=True)
    owner.click("button:has-text('开始接待')")
    expect(owner.locator(".flash--ok")).to_contain_text("正在接待")
    with live_app.app_context():
        assert db.session.get(Appointment, appointment_id).state is State.HELD

    lobby.goto("/lobby/")
    row = lobby.locator("#board-rows .visit").filter(has_text=name).first
    expect(row.locator(".visit__appointment")).to_contain_text("已见面")
    expect(row).to_contain_text("办理中")
    owner_ctx.close()
    tablet.close()


def test_the_customer_rates_the_visit_with_one_tap_and_a_reason_on_unsatisfied(
    browser, live_server, live_app, shots
):
    """办结 on the board offers 满意 / 一般 / 不满意; 满意 is one tap; 不满意 opens the reasons
    and 等候太久 keeps both."""
    tablet = _tablet(browser, live_server)
    lobby = tablet.new_page()
    sign_in(lobby, "lobby1")
    lobby.goto("/lobby/")
    with live_app.app_context():
        began = timeutil.now_naive()  # the demo's earlier visits of these customers are not these
    names = []
    for _ in range(2):
        name = _customer_not_seen_today(live_app, skip=names)
        names.append(name)
        _check_in(lobby, "存取款", name)
        expect(lobby.locator("#check-in-panel .result")).to_contain_text(name)
    happy, unhappy = (lobby.locator("#board-rows .visit").filter(has_text=n).first for n in names)
    happy.locator("button:has-text('办结')").click()
    rating = happy.locator(".visit__rating")
    expect(rating).to_contain_text("您对本次服务满意吗？")
    rating.scroll_into_view_if_needed()
    lobby.screenshot(path=shots / "issue19-rating-tablet-offered.png")
    rating.locator("button:has-text('满意')").first.click()
    expect(happy).to_contain_text("评价：满意")

    unhappy.locator("button:has-text('办结')").click()
    unhappy.locator("summary:has-text('不满意')").click()
    reasons = unhappy.locator(".rating__why")
    expect(reasons).to_contain_text("哪里不满意？")
    reasons.scroll_into_view_if_needed()
    lobby.screenshot(path=shots / "issue19-rating-tablet-reasons.png")
    reasons.locator("button:has-text('等候太久')").click()
    expect(unhappy).to_contain_text("评价：不满意 · 等候太久")
    lobby.screenshot(path=shots / "issue19-rating-tablet-done.png")
    with live_app.app_context():
        kept = dict(
            db.session.execute(
                select(Customer.name, CheckIn.rating)
                .join(Customer, Customer.id == CheckIn.customer_id)
                .where(
                    Customer.name.in_(names),
                    CheckIn.rating.is_not(None),
                    CheckIn.created_at >= began,
                )
            ).all()
        )
        reason = db.session.scalar(
            select(CheckIn.rating_reason)
            .join(Customer, Customer.id == CheckIn.customer_id)
            .where(
                Customer.name == names[1],
                CheckIn.rating.is_not(None),
                CheckIn.created_at >= began,
            )
        )
    assert kept == {names[0]: Rating.SATISFIED, names[1]: Rating.UNSATISFIED}
    assert reason is RatingReason.WAIT
    tablet.close()


def test_the_check_in_screen_shows_the_script_of_the_need_tapped(browser, live_server, shots):
    """Before a need is tapped a hint shows; tapping 理财 shows the demo's 理财 script only;
    today's figures beside it open their own page."""
    tablet = _tablet(browser, live_server)
    lobby = tablet.new_page()
    sign_in(lobby, "lobby1")
    lobby.goto("/lobby/")
    expect(lobby.locator(".script--none")).to_be_visible()
    lobby.click("#check-in-panel label.chip-choice:has-text('理财')")
    expect(lobby.locator(".script[data-need='wealth']")).to_contain_text("这是我们的理财经理")
    expect(lobby.locator(".script[data-need='deposit']")).to_be_hidden()
    expect(lobby.locator(".script--none")).to_be_hidden()
    lobby.screenshot(path=shots / "issue19-script-tablet.png")
    # Today's figures beside it open their page: by need, hour and person.
    lobby.click("#lobby-figures a:has-text('按需求、时段和人员查看')")
    expect(lobby.locator("table.times")).to_contain_text("按时段")
    lobby.screenshot(path=shots / "issue19-lobby-today-tablet.png", full_page=True)
    tablet.close()


def test_the_radar_in_the_evening_huddle_equals_the_records_and_calls_back(
    browser, live_server, live_app, shots
):
    """The manager's phone, tonight's huddle: the referral rate is today's walk-ins referred of
    those that met a criterion as the rows say; 明早回电 on the first missed one puts a call at
    09:30 tomorrow in the schedule of the person who served them. The weekly meeting on the
    tablet shows the lobby's figures."""
    with live_app.app_context():
        manager = db.session.scalar(select(Staff).where(Staff.username == "manager"))
        start, end = timeutil.day_bounds(timeutil.local_today())
        met = db.session.scalars(
            select(CheckIn).where(
                CheckIn.branch_id == manager.branch_id,
                CheckIn.created_at >= start,
                CheckIn.created_at < end,
                CheckIn.met_criterion.is_(True),
            )
        ).all()
        referred = db.session.scalar(
            select(func.count(func.distinct(Referral.check_in_id))).where(
                Referral.check_in_id.in_([v.id for v in met])
            )
        )
    ctx = phone(browser, live_server)
    page = ctx.new_page()
    sign_in(page, "manager")
    page.goto("/coaching/huddles/evening")
    radar = page.locator(".radar")
    expect(radar).to_contain_text(f"达到转介标准{len(met)}人，已转介{referred}人")
    missed = radar.locator(".radar__missed li").filter(has=page.locator("form"))
    expect(missed).to_have_count(len(met) - referred - _called_or_anonymous(live_app, met))
    radar.scroll_into_view_if_needed()
    page.screenshot(path=shots / "issue19-radar-phone-huddle.png")
    ticket = missed.first.inner_text().split(" · ")[1]  # "7号": one walk-in of today
    first = radar.locator(".radar__missed li").filter(has_text=f" · {ticket} · ")
    first.locator("button:has-text('明早回电')").click()
    expect(first).to_contain_text("明早回电：已加入日程")
    with live_app.app_context():
        entry = db.session.scalar(
            select(ScheduleEntry).where(ScheduleEntry.source_type == "missed_referral")
        )
        visit = db.session.get(CheckIn, entry.source_id)
        assert entry.staff_id == (visit.served_by_id or visit.checked_in_by_id)
        tomorrow = timeutil.local_today() + timedelta(days=1)
        assert timeutil.utc_to_local(entry.starts_at) == datetime.combine(tomorrow, time(9, 30))
    ctx.close()
    tablet = _tablet(browser, live_server)
    weekly = tablet.new_page()
    sign_in(weekly, "manager")
    weekly.goto("/reports/weekly")
    station = weekly.locator(".station")
    expect(station).to_contain_text("满意度")
    station.scroll_into_view_if_needed()
    weekly.screenshot(path=shots / "issue19-weekly-tablet-station.png")
    weekly.locator(".radar").scroll_into_view_if_needed()
    weekly.screenshot(path=shots / "issue19-weekly-tablet-radar.png")
    tablet.close()


def _called_or_anonymous(live_app, met) -> int:
    """Missed walk-ins offering no 明早回电: anonymous (no one to call) or already called."""
    with live_app.app_context():
        referred = set(
            db.session.scalars(
                select(Referral.check_in_id).where(Referral.check_in_id.is_not(None))
            )
        )
        called = set(
            db.session.scalars(
                select(ScheduleEntry.source_id).where(
                    ScheduleEntry.source_type == "missed_referral"
                )
            )
        )
    return sum(1 for v in met if v.id not in referred and (v.customer_id is None or v.id in called))
