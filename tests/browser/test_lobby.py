"""The lobby tablet (1024x768): walk-in with a 60,000 deposit → referral → accepted → won → credit."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import TABLET, WAIT_MS, sign_in

WEALTH_USERNAMES = {"林晓燕": "wealth1", "陈思远": "wealth2"}


def test_walk_in_referral_accepted_won_with_both_credit_lines(browser, live_server, shots):
    """The whole referral flow across two people's devices, the board updating by itself."""
    lobby_ctx = browser.new_context(base_url=live_server, viewport=TABLET, locale="zh-CN")
    lobby_ctx.set_default_timeout(WAIT_MS)
    lobby = lobby_ctx.new_page()
    sign_in(lobby, "lobby1")
    expect(lobby).to_have_url(re.compile(r"/lobby/$"))

    # A few taps: the first need, the amount; the customer stays anonymous for now.
    lobby.click("#check-in-panel label.chip-choice:has-text('存取款')")
    lobby.fill("input[name=amount_yuan]", "60000")
    lobby.click("#check-in-panel button[type=submit]")
    result = lobby.locator("#check-in-panel .result--propose")
    expect(result).to_contain_text("符合转介标准")
    expect(result).to_contain_text("单笔存取转汇达到起点金额")
    ticket = re.search(r"(\d+)号", result.inner_text()).group(1)
    lobby.screenshot(path=shots / "lobby-tablet-proposal.png")
    lobby.evaluate("window.__noReload = true")

    # The proposal leads to the refer form, naming the rule again.
    lobby.click("#check-in-panel a:has-text('立即转介')")
    expect(lobby.locator(".proposal")).to_contain_text("单笔存取转汇")
    lobby.click("summary:has-text('新客户')")
    lobby.fill("input[name=new_name]", "浏览器测试客户")
    lobby.fill("input[name=new_mobile]", "19900001234")
    wealth_card = lobby.locator(".receiver:has-text('理财经理')").first
    receiver_name = wealth_card.locator(".receiver__name").inner_text()
    wealth_card.click()
    if "receiver--free" not in (wealth_card.get_attribute("class") or ""):
        lobby.check("input[name=allow_busy]")
    lobby.screenshot(path=shots / "refer-tablet.png", full_page=True)
    lobby.click("form.card button[type=submit]")
    expect(lobby.locator(".flash--ok")).to_contain_text(f"已转介给{receiver_name}")

    # The wealth manager, on their own device, accepts from Today.
    wealth_ctx = browser.new_context(base_url=live_server, viewport=TABLET, locale="zh-CN")
    wealth_ctx.set_default_timeout(WAIT_MS)
    wealth = wealth_ctx.new_page()
    sign_in(wealth, WEALTH_USERNAMES[receiver_name])
    item = wealth.locator("#referral-inbox .inbox__item:has-text('浏览器测试客户')")
    expect(item).to_be_visible()
    item.locator("button:has-text('接收')").click()
    expect(wealth.locator(".flash--ok")).to_contain_text("已接收")

    # Won: the sale is recorded and split by the phase in force today.
    wealth.select_option("select[name=category]", "wealth_management")
    wealth.fill("input[name=product]", "稳健理财90天")
    wealth.fill("input[name=amount]", "60000")
    wealth.click("form.outcome button:has-text('已成交')")
    lines = wealth.locator("table.credit-lines tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("孙婷婷")
    expect(lines.nth(0)).to_contain_text("推荐人")
    expect(lines.nth(1)).to_contain_text(receiver_name)
    expect(lines.nth(1)).to_contain_text("营销人")
    amounts = [
        float(re.sub(r"[^\d.]", "", t))
        for t in lines.locator("td.num:last-child").all_inner_texts()
    ]
    assert sum(amounts) == 60000.00 and amounts[0] > amounts[1]
    wealth.screenshot(path=shots / "referral-won-credit-tablet.png", full_page=True)

    # Back on the lobby tablet: the referral is won, so the walk-in is done (办结) and the
    # receiver free again.
    lobby.goto("/lobby/")
    lobby.evaluate("window.__noReload = true")
    row = lobby.locator(f".visit:has(.visit__ticket:text-is('{ticket}'))")
    expect(row.locator(".badge")).to_contain_text("办结")
    expect(row).to_contain_text(receiver_name)
    before = lobby.locator("#board-rows .visit").count()
    lobby.click("#check-in-panel label.chip-choice:has-text('咨询')")
    lobby.click("#check-in-panel button[type=submit]")
    expect(lobby.locator("#board-rows .visit")).to_have_count(before + 1)
    assert lobby.evaluate("window.__noReload") is True  # swapped in place, never reloaded
    lobby.screenshot(path=shots / "lobby-tablet-board.png")
    lobby_ctx.close()
    wealth_ctx.close()


def test_enter_in_the_customer_search_searches_and_checks_no_one_in(browser, live_server, shots):
    """The keyboard's Enter in the picker's search box shows the matches; the check-in form
    around it is not sent (an anonymous walk-in would be checked in)."""
    context = browser.new_context(base_url=live_server, viewport=TABLET, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    lobby = context.new_page()
    sign_in(lobby, "lobby1")
    rows = lobby.locator("#board-rows .visit").count()
    lobby.click("#check-in-panel label.chip-choice:has-text('咨询')")
    lobby.locator("#picker-search").press_sequentially("1")
    lobby.locator("#picker-search").press("Enter")
    found = lobby.locator("#customer-options label.chip-choice").filter(has_text="****")
    expect(found.first).to_be_visible()  # a customer whose (masked) mobile ends in 1
    expect(lobby).to_have_url(re.compile(r"/lobby/$"))
    expect(lobby.locator("#check-in-panel .result")).to_have_count(0)
    expect(lobby.locator("#picker-search")).to_have_value("1")
    expect(lobby.locator("#check-in-panel input[name=first_need]:checked")).to_have_count(1)
    expect(lobby.locator("#board-rows .visit")).to_have_count(rows)
    lobby.screenshot(path=shots / "lobby-tablet-search-enter.png")
    # A second search lands in the same place (the chips' box is kept, not swapped away).
    lobby.fill("#picker-search", "")
    lobby.locator("#picker-search").press_sequentially("查无此人")
    expect(lobby.locator("#customer-options")).to_contain_text("没有与“查无此人”匹配的客户")
    expect(found).to_have_count(0)
    context.close()
