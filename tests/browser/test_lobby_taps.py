"""Issue 19's 'Done when' on the lobby tablet (1024x768): a new customer checked in and referred
in at most 6 taps after typing, and a walk-in waiting past the branch's limit marked on the
board by its poll and pushed to the lobby manager once by two worker passes."""

import re
from contextlib import nullcontext
from datetime import UTC, timedelta

import time_machine
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import TABLET, WAIT_MS, sign_in
from webapp import timeutil
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.lobby.models import CheckIn
from webapp.lobby.queries import lobby_settings
from webapp.push.models import Kind, Notification
from webapp.push.scheduler import run_scheduled
from webapp.referrals.models import Referral

MOST_TAPS = 6


class Taps:
    """Clicks the test makes, each counted with what it was for."""

    def __init__(self):
        self.made: list[str] = []

    def tap(self, locator, what: str) -> None:
        locator.click()
        self.made.append(what)


def _tablet(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=TABLET, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    return context


def _type_new_customer(lobby, name: str, mobile: str, taps: Taps) -> None:
    """Open 新客户 unless it is open already, and type the name and the mobile."""
    new_name = lobby.locator("#check-in-panel input[name=new_name]")
    if not new_name.is_visible():
        taps.tap(lobby.locator("#check-in-panel summary:has-text('新客户')"), "新客户")
    new_name.fill(name)
    lobby.fill("#check-in-panel input[name=new_mobile]", mobile)


def test_a_new_customer_checked_in_and_referred_in_at_most_six_taps_after_typing(
    browser, live_server, live_app, shots
):
    """理财, the new customer's name and mobile typed, then 登记, 转介 on the board's row, a free
    wealth manager and 转介: the check-in keeps the new customer (owned) and the referral is
    theirs, to the receiver tapped."""
    name, mobile = "韦点点", "19911190019"
    context = _tablet(browser, live_server)
    lobby = context.new_page()
    sign_in(lobby, "lobby1")
    lobby.goto("/lobby/")
    before = Taps()
    before.tap(
        lobby.locator(
            "#check-in-panel label.chip-choice:has(input[name=first_need][value=wealth])"
        ),
        "理财",
    )
    _type_new_customer(lobby, name, mobile, before)
    lobby.screenshot(path=shots / "issue19-taps-tablet-typed.png")

    taps = Taps()
    taps.tap(lobby.locator("#check-in-panel button[type=submit]"), "登记")
    expect(lobby.locator("#check-in-panel .result")).to_contain_text(name)
    proposal = lobby.locator("#check-in-panel .result a:has-text('立即转介')")
    if proposal.count():
        taps.tap(proposal, "立即转介")
    else:
        row = lobby.locator("#board-rows .visit").filter(has_text=name)
        taps.tap(row.locator("a:has-text('转介')").first, "转介 (board row)")
    expect(lobby.locator("#picker-search")).to_be_visible()
    chosen = lobby.locator("#customer-options input[name=customer_id]:checked + span")
    expect(chosen).to_contain_text(name)  # the new customer comes with the walk-in
    card = lobby.locator(".receiver.receiver--free").first
    if not card.count():  # nobody free: the first receiver, refer anyway
        card = lobby.locator(".receiver").first
    receiver = card.locator(".receiver__name").inner_text()
    taps.tap(card, f"receiver {receiver}")
    if "receiver--free" not in (card.get_attribute("class") or ""):
        taps.tap(lobby.locator("input[name=allow_busy]"), "仍要转介")
    lobby.screenshot(path=shots / "issue19-taps-tablet-refer.png", full_page=True)
    taps.tap(lobby.locator("form.card button[type=submit]:has-text('转介')"), "转介 (send)")
    expect(lobby.locator(".flash--ok")).to_contain_text(f"已转介给{receiver}")
    lobby.screenshot(path=shots / "issue19-taps-tablet-referred.png", full_page=True)
    (shots / "issue19-taps.txt").write_text(
        f"before typing: {before.made}\nafter typing ({len(taps.made)}): {taps.made}\n"
    )
    assert len(taps.made) <= MOST_TAPS, taps.made

    with live_app.app_context():
        lobby_staff = db.session.scalar(select(Staff).where(Staff.username == "lobby1"))
        customer = db.session.scalar(
            select(Customer).where(
                Customer.branch_id == lobby_staff.branch_id, Customer.mobile == mobile
            )
        )
        assert customer is not None and customer.name == name
        visits = db.session.scalars(select(CheckIn).where(CheckIn.customer_id == customer.id)).all()
        assert len(visits) == 1
        referrals = db.session.execute(
            select(Referral.check_in_id, Staff.name)
            .join(Staff, Staff.id == Referral.receiver_id)
            .where(Referral.customer_id == customer.id)
        ).all()
        assert referrals == [(visits[0].id, receiver)]
    context.close()


def _long_enough_after_midnight(live_app, limit: timedelta):
    """Now, or, in the first minutes of the branch's day (no walk-in of today can have waited
    the limit yet), the clock moved on to the first moment when one can."""
    with live_app.app_context():
        now = timeutil.now_naive()
        start, _end = timeutil.day_bounds(timeutil.local_date(now))
    earliest = start + limit + timedelta(minutes=2)
    if now >= earliest:
        return nullcontext()
    return time_machine.travel(earliest.replace(tzinfo=UTC), tick=True)


def test_a_long_wait_is_marked_by_the_boards_poll_and_pushed_to_the_lobby_manager_once(
    browser, live_server, live_app, shots
):
    """A walk-in checked in past the branch's limit shows 等候超时 after the board polls by
    itself (no reload); two worker passes write one notification to lobby1's outbox."""
    name, mobile = "韦久候", "19911190027"
    with live_app.app_context():
        lobby_staff = db.session.scalar(select(Staff).where(Staff.username == "lobby1"))
        lobby_id = lobby_staff.id
        limit = timedelta(minutes=lobby_settings(lobby_staff.branch_id)["wait_minutes"])
    with _long_enough_after_midnight(live_app, limit):
        context = _tablet(browser, live_server)
        lobby = context.new_page()
        sign_in(lobby, "lobby1")
        lobby.goto("/lobby/")
        lobby.click("#check-in-panel label.chip-choice:has(input[name=first_need][value=deposit])")
        _type_new_customer(lobby, name, mobile, Taps())
        lobby.click("#check-in-panel button[type=submit]")
        result = lobby.locator("#check-in-panel .result")
        expect(result).to_contain_text(name)
        ticket = int(re.search(r"(\d+)号", result.inner_text()).group(1))
        row = lobby.locator("#board-rows .visit").filter(has_text=name)
        expect(row).to_contain_text("等候中")  # the board has the new row (check-in-saved)
        expect(row).not_to_have_class(re.compile("visit--late"))
        lobby.evaluate("window.__noReload = true")

        with live_app.app_context():
            visit = db.session.scalar(
                select(CheckIn)
                .join(Customer, Customer.id == CheckIn.customer_id)
                .where(Customer.mobile == mobile)
            )
            visit.created_at = timeutil.now_naive() - limit - timedelta(minutes=1)
            db.session.commit()
            visit_id = visit.id

        expect(row).to_have_class(re.compile("visit--late"))  # the poll, every 10 s
        expect(row.locator(".badge--danger")).to_have_text("等候超时")
        assert lobby.evaluate("window.__noReload") is True  # swapped in place, never reloaded
        row.scroll_into_view_if_needed()
        lobby.screenshot(path=shots / "issue19-long-wait-tablet-board.png")

        def pushed() -> list[tuple[int, Kind, str]]:
            with live_app.app_context():
                return db.session.execute(
                    select(Notification.staff_id, Notification.kind, Notification.title).where(
                        Notification.dedupe_key.like(f"long-wait:{visit_id}:%")
                    )
                ).all()

        assert pushed() == []  # the board's reads wrote nothing
        with live_app.test_request_context():
            now = timeutil.now_naive()
            run_scheduled(now)
            run_scheduled(now + timedelta(minutes=1))
        [(staff_id, kind, title)] = pushed()
        assert (staff_id, kind) == (lobby_id, Kind.LOBBY_LONG_WAIT)
        assert f"{ticket}号" in title and name in title and "等候" in title
        with live_app.app_context():
            assert db.session.get(CheckIn, visit_id).long_wait_flagged_at is not None
            mine = db.session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.staff_id == lobby_id,
                    Notification.kind == Kind.LOBBY_LONG_WAIT,
                    Notification.title.contains(name),
                )
            )
        assert mine == 1
        context.close()
