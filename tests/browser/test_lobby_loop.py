"""Issue 19 on the tablet (1024x768) and the wealth manager's phone (390x844): the receiver is
free again once the referral closes, she ends serving from her own Today, the same customer
twice is warned about, a long wait is marked, and 登记 is on the first screen."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import TABLET, WAIT_MS, phone, sign_in
from webapp import timeutil
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.lobby.models import CheckIn

WEALTH_USERNAMES = {"林晓燕": "wealth1", "陈思远": "wealth2"}


def _tablet(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=TABLET, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    return context


def _customer_not_seen_today(live_app, skip=()) -> str:
    """A demo customer of the home branch with no check-in today (the warning stays quiet)."""
    with live_app.app_context():
        lobby = db.session.scalar(select(Staff).where(Staff.username == "lobby1"))
        start, _end = timeutil.day_bounds(timeutil.local_date())
        seen = select(CheckIn.customer_id).where(
            CheckIn.created_at >= start, CheckIn.customer_id.is_not(None)
        )
        names = db.session.scalars(
            select(Customer.name)
            .where(Customer.branch_id == lobby.branch_id, Customer.id.not_in(seen))
            .order_by(Customer.id)
        ).all()
    return next(n for n in names if n not in skip and names.count(n) == 1)


def _pick(page, name: str) -> None:
    page.locator("#picker-search").press_sequentially(name)
    page.locator("#customer-options label.chip-choice").filter(has_text=name).first.click()


def _check_in(page, need: str, name: str) -> None:
    page.click(f"#check-in-panel label.chip-choice:has-text('{need}')")
    _pick(page, name)
    page.click("#check-in-panel button[type=submit]")


def test_check_in_button_on_the_first_screen_and_the_same_customer_twice(
    browser, live_server, live_app, shots
):
    """登记 is inside 1024x768 without scrolling; the second check-in of a customer shows the
    first one and goes through only on 仍要登记; the demo's long wait is marked on the board."""
    context = _tablet(browser, live_server)
    lobby = context.new_page()
    sign_in(lobby, "lobby1")
    lobby.goto("/lobby/")
    button = lobby.locator("#check-in-panel button[type=submit]")
    box = button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= TABLET["height"], box
    assert box["x"] + box["width"] <= TABLET["width"], box
    expect(lobby.locator("#board-rows .visit--late").first).to_contain_text("等候超时")
    lobby.screenshot(path=shots / "issue19-lobby-tablet-first-screen.png")

    name = _customer_not_seen_today(live_app)
    _check_in(lobby, "理财", name)
    expect(lobby.locator("#check-in-panel .result")).to_contain_text(name)
    _check_in(lobby, "存取款", name)
    warning = lobby.locator("#repeat-warning")
    expect(warning).to_contain_text("今天已登记过")
    expect(warning).to_contain_text(name)
    lobby.screenshot(path=shots / "issue19-lobby-tablet-repeat-warning.png")
    warning.locator("button:has-text('仍要登记')").click()
    expect(lobby.locator("#check-in-panel .result")).to_contain_text("已登记")
    expect(lobby.locator("#board-rows .visit").filter(has_text=name)).to_have_count(2)
    context.close()


def test_receiver_freed_when_lost_and_ends_serving_from_her_phone(
    browser, live_server, live_app, shots
):
    """Refer two walk-ins to a free wealth manager; on her phone she closes one as lost (free
    again) and ends serving the other from Today (办结); the tablet sees her free both times."""
    tablet = _tablet(browser, live_server)
    lobby = tablet.new_page()
    sign_in(lobby, "lobby1")
    first = _customer_not_seen_today(live_app)
    second = _customer_not_seen_today(live_app, skip=(first,))

    def refer(name: str) -> str:
        lobby.goto("/lobby/")
        _check_in(lobby, "理财", name)
        expect(lobby.locator("#check-in-panel .result")).to_contain_text(name)
        row = lobby.locator("#board-rows .visit").filter(has_text=name).first
        row.locator("a:has-text('转介')").click()
        card = lobby.locator(".receiver.receiver--free:has-text('理财经理')").first
        receiver = card.locator(".receiver__name").inner_text()
        card.click()
        lobby.click("form.card button[type=submit]:has-text('转介')")
        expect(lobby.locator(".flash--ok")).to_contain_text(f"已转介给{receiver}")
        return receiver

    receiver = refer(first)
    lobby.goto("/lobby/")
    row = lobby.locator("#board-rows .visit").filter(has_text=first).first
    expect(row).to_contain_text("已转介")
    expect(row).not_to_contain_text("引见")
    lobby.screenshot(path=shots / "issue19-lobby-tablet-referred-row.png")

    wealth_ctx = phone(browser, live_server)
    wealth = wealth_ctx.new_page()
    sign_in(wealth, WEALTH_USERNAMES[receiver])
    item = wealth.locator("#referral-inbox .inbox__item").filter(has_text=first)
    item.locator("button:has-text('接收')").click()
    expect(wealth.locator(".flash--ok")).to_contain_text("已接收")
    wealth.fill("form.outcome input[name=reason]", "客户再考虑")
    wealth.click("form.outcome button:has-text('未成交')")
    expect(wealth.locator(".page-head")).to_contain_text("未成交")
    wealth.screenshot(path=shots / "issue19-wealth-phone-lost.png", full_page=True)

    # Free again: the next referral goes to her without 'refer anyway' or a callback.
    lobby.goto("/referrals/new")
    mine = lobby.locator(".receiver").filter(has_text=receiver)
    expect(mine).to_have_class(re.compile("receiver--free"))
    assert refer(second) == receiver

    wealth.goto("/")
    item = wealth.locator("#referral-inbox .inbox__item").filter(has_text=second)
    item.locator("button:has-text('接收')").click()
    expect(wealth.locator(".flash--ok")).to_contain_text("已接收")
    wealth.goto("/")
    serving = wealth.locator(".serving__item").filter(has_text=second)
    expect(serving).to_be_visible()
    wealth.screenshot(path=shots / "issue19-wealth-phone-today-serving.png", full_page=True)
    serving.locator("button:has-text('办结')").click()
    expect(wealth.locator(".flash--ok")).to_contain_text("已办结")
    expect(wealth.locator(".serving__item").filter(has_text=second)).to_have_count(0)
    # The customer, still beside her, rates the service on her phone: one tap.
    asked = wealth.locator(".to-rate__item").filter(has_text=second)
    expect(asked).to_contain_text("您对本次服务满意吗？")
    wealth.screenshot(path=shots / "issue19-wealth-phone-rating.png", full_page=True)
    asked.locator("button:has-text('满意')").first.click()
    expect(wealth.locator(".flash--ok")).to_contain_text("评价已记录")
    expect(wealth.locator(".to-rate__item").filter(has_text=second)).to_have_count(0)
    with live_app.app_context():
        rated = db.session.scalar(
            select(CheckIn.rating)
            .join(Customer, Customer.id == CheckIn.customer_id)
            .where(Customer.name == second)
            .order_by(CheckIn.id.desc())
            .limit(1)
        )
    assert rated is not None and rated.value == "satisfied"  # the visit just ended
    lobby.goto("/referrals/new")
    expect(lobby.locator(".receiver").filter(has_text=receiver)).to_have_class(
        re.compile("receiver--free")
    )
    lobby.screenshot(path=shots / "issue19-lobby-tablet-receiver-free.png", full_page=True)
    wealth_ctx.close()
    tablet.close()


def test_callback_from_the_chosen_customer_reassigned_keeps_its_time(
    browser, live_server, live_app, shots
):
    """The lobby asks a callback for tomorrow without retyping the phone; the manager reassigns
    it (confirmed, 转介时间 kept); the new receiver's phone shows 约定回电 and nothing late."""
    tablet = _tablet(browser, live_server)
    lobby = tablet.new_page()
    sign_in(lobby, "lobby1")
    name = _customer_not_seen_today(live_app, skip=())
    lobby.goto("/referrals/new")
    _pick(lobby, name)
    lobby.select_option("select[name=need]", "wealth")
    card = lobby.locator(".receiver:has-text('理财经理')").first
    first_receiver = card.locator(".receiver__name").inner_text()
    card.click()
    lobby.click("summary:has-text('登记回电')")
    expect(lobby.locator("details.callback")).to_contain_text("留空则使用所选客户的手机")
    with live_app.app_context():
        tomorrow = timeutil.local_date() + timedelta(days=1)
    lobby.fill("input[name=callback_at]", f"{tomorrow.isoformat()}T10:30")
    lobby.click("form.card button[type=submit]:has-text('转介')")
    expect(lobby.locator(".flash--ok")).to_contain_text(f"已转介给{first_receiver}")
    facts = lobby.locator("dl.facts")
    expect(facts).to_contain_text("约定回电时间")
    referred_on = facts.locator("dt:has-text('转介时间') + dd").inner_text()
    referral_url = lobby.url
    tablet.close()

    manager_ctx = _tablet(browser, live_server)
    manager = manager_ctx.new_page()
    sign_in(manager, "manager")
    manager.goto(referral_url)
    other = next(n for n in WEALTH_USERNAMES if n != first_receiver)
    manager.select_option("select[name=receiver_id]", label=other)
    manager.click("button:has-text('改派')")
    expect(manager.locator(".flash--ok")).to_contain_text(f"已改派给{other}")
    expect(manager.locator("dt:has-text('转介时间') + dd")).to_have_text(referred_on)
    expect(manager.locator("dl.facts")).to_contain_text("改派时间")
    manager.screenshot(path=shots / "issue19-manager-tablet-reassigned.png", full_page=True)
    manager_ctx.close()

    wealth_ctx = phone(browser, live_server)
    wealth = wealth_ctx.new_page()
    sign_in(wealth, WEALTH_USERNAMES[other])
    item = wealth.locator("#referral-inbox .inbox__item").filter(has_text=name)
    expect(item).to_contain_text("约定回电")
    expect(item).not_to_contain_text("超时未接收")
    expect(item).not_to_contain_text("已逾期")
    wealth.screenshot(path=shots / "issue19-wealth-phone-callback.png", full_page=True)
    wealth_ctx.close()
