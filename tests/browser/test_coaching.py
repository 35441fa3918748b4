"""The manager's rhythm in a real browser: the one-on-one prints on one A4 page; screens."""

import re
from io import BytesIO

from pypdf import PdfReader

from tests.browser.conftest import PHONE, TABLET, sign_in


def _first_salesperson(page) -> str:
    """The URL of the first salesperson's one-on-one from the list."""
    page.goto("/coaching/one-on-ones/")
    return page.locator(".list__item a.list__link").first.get_attribute("href")


def test_one_on_one_prints_on_one_a4_page(page, shots):
    """Headless Chromium's PDF of the demo one-on-one (with history and plan items) is 1 page."""
    sign_in(page, "manager")
    url = _first_salesperson(page)
    page.goto(url)
    # Last week: a held meeting with notes, plan items, history and the trend.
    page.click("text=上一周")
    page.wait_for_load_state("networkidle")
    assert page.locator(".plan-items li").count() >= 1
    assert page.locator("svg.chart").count() == 1
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(PdfReader(BytesIO(pdf)).pages)
    (shots / "coaching-one-on-one.pdf").write_bytes(pdf)
    assert pages == 1, f"the one-on-one printed on {pages} pages"


def test_rhythm_screens_on_phone_and_tablet(browser, live_server, shots):
    """Screenshots of the main screens; the progress table is a card per person on a phone."""
    for name, viewport in (("phone", PHONE), ("tablet", TABLET)):
        context = browser.new_context(base_url=live_server, viewport=viewport, locale="zh-CN")
        page = context.new_page()
        sign_in(page, "manager")
        page.goto("/reports/progress")
        # One table: each person's rows are a card on a phone (no column heads), a grid wider.
        group = page.locator(".progress-table__group").first
        shown_as = group.evaluate("element => getComputedStyle(element).display")
        assert shown_as == ("block" if name == "phone" else "table-row-group")
        head = page.locator(".progress-table thead")
        assert (head.evaluate("e => e.getBoundingClientRect().height") <= 1) == (name == "phone")
        assert page.locator(".progress-table__group th[scope=rowgroup]").first.is_visible()
        # A metric without a target has no bar: a phone's card shows no lone "—" line for it,
        # a wider screen keeps the cell in its column.
        untargeted = page.locator(".progress-table__bar--none")
        assert untargeted.count() > 0
        assert untargeted.first.is_visible() == (name != "phone")
        page.screenshot(path=shots / f"reports-progress-{name}.png", full_page=True)
        for path, shot in (
            ("/dashboard", "home-dashboard"),
            ("/coaching/huddles/morning", "coaching-morning"),
            ("/coaching/huddles/evening", "coaching-evening"),
            ("/reports/monthly", "reports-monthly"),
            ("/reports/weekly", "reports-weekly"),
            ("/coaching/action-plans/", "coaching-action-plans"),
        ):
            page.goto(path)
            assert page.locator("h1").count() == 1
            page.screenshot(path=shots / f"{shot}-{name}.png", full_page=True)
        page.goto(_first_salesperson(page))
        page.screenshot(path=shots / f"coaching-one-on-one-{name}.png", full_page=True)
        context.close()
        context = browser.new_context(base_url=live_server, viewport=viewport, locale="zh-CN")
        page = context.new_page()
        sign_in(page, "wealth1")
        page.goto("/coaching/commitment")
        page.fill("input[name=calls]", "6")
        page.click("form.commitment-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert re.search("今日承诺已提交", page.content())
        page.screenshot(path=shots / f"coaching-commitment-{name}.png", full_page=True)
        context.close()


def test_plan_item_customer_is_found_by_search_on_a_phone(browser, live_server, shots):
    """The manager types a mobile tail, taps the customer's chip and adds the item for them."""
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "manager")
    page.goto(_first_salesperson(page))
    options = page.locator("#customer-options input[name=item-customer_id]")
    assert options.count() == 1  # only 不针对具体客户 until something is typed
    page.fill("#picker-search", "1")
    chip = page.locator("#customer-options label.chip-choice").nth(1)
    chip.wait_for()  # the search's answer
    name = chip.inner_text().split()[0]
    chip.click()
    page.fill("input[name=item-action]", "电话约见，介绍理财产品")
    page.fill("input[name=item-due_on]", "2026-12-02")
    page.screenshot(path=shots / "coaching-plan-item-picker-phone.png", full_page=True)
    page.click("form.plan-item-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("#next-title")  # back where the new item shows
    plan = page.locator(".oo__next li").filter(has_text="电话约见，介绍理财产品")
    assert name in plan.inner_text()
    context.close()


def test_enter_in_the_plan_item_search_does_not_send_the_form(browser, live_server, shots):
    """The phone keyboard's Enter in the customer search shows matches; the half-filled
    plan item is not sent (no errors, nothing added, the search and the action kept)."""
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "manager")
    page.goto(_first_salesperson(page))
    items = page.locator(".oo__next li").count()
    page.fill("input[name=item-action]", "回访")
    page.locator("#picker-search").press_sequentially("1")
    page.locator("#picker-search").press("Enter")
    chip = page.locator("#customer-options label.chip-choice").nth(1)
    chip.wait_for()
    assert page.locator(".oo__next .field__error").count() == 0
    assert page.input_value("input[name=item-action]") == "回访"
    assert page.input_value("#picker-search") == "1"
    assert page.locator(".oo__next li").count() == items
    chip.click()
    page.screenshot(path=shots / "coaching-plan-item-search-enter-phone.png", full_page=True)
    context.close()
