"""A phone signs in, sees Today in Chinese, switches to English."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_phone_sign_in_today_in_chinese_then_english(page, shots):
    """The account manager's phone: Today in Chinese, then the same page in English."""
    sign_in(page, "retail1")
    expect(page).to_have_url(re.compile(r"/today$"))
    expect(page.locator("h1")).to_have_text("今日")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".tabbar")).to_be_visible()
    expect(page.locator(".sidenav")).to_be_hidden()
    page.screenshot(path=shots / "today-phone-zh.png", full_page=True)

    page.click(".tabbar >> text=我的")
    page.click("button[name=locale][value=en]")
    page.goto("/today")
    expect(page.locator("h1")).to_have_text("Today")
    expect(page.locator(".tabbar")).to_contain_text("Customers")
    page.screenshot(path=shots / "today-phone-en.png", full_page=True)
    # Put the demo user back to Chinese for the other tests.
    page.goto("/me")
    page.click("button[name=locale][value=zh_CN]")
    expect(page.locator("h1")).to_contain_text("王磊")


def test_wrong_password_in_the_browser(page):
    """The message shows beside the field and the username stays typed."""
    sign_in(page, "teller1", "not-the-password")
    expect(page.locator(".field__error")).to_have_text("用户名或密码错误。")
    expect(page.locator("input[name=username]")).to_have_value("teller1")


def test_active_search_filters_as_the_user_types(page):
    """Typing in the customer search replaces the rows without a page load."""
    sign_in(page, "wealth1")
    page.goto("/customers/")
    first_rows = page.locator("#customer-rows .list__item").count()
    assert first_rows > 5
    page.fill("#customer-search", "有限公司")
    expect(page).to_have_url(re.compile(r"q="))
    titles = page.locator("#customer-rows .list__title").all_inner_texts()
    assert titles and all("有限公司" in t for t in titles)
