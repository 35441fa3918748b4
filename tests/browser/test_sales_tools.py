"""The four sales tools on a phone (390x844): an SME sheet, active search, a prospect won."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import TABLET, sign_in


def test_create_sme_sheet_find_it_and_win_a_prospect(page, shots):
    """Create an SME sheet, find it by typing, put it on the prospect list, tap through to won."""
    sign_in(page, "corporate1")
    name = f"浦东启航测试{uuid.uuid4().hex[:4]}有限公司"
    with page.expect_response(lambda r: r.url.endswith("/customers/new/sme")) as served:
        page.goto("/customers/new/sme")
    # The page makes its own client_id, so a cached copy of the form never repeats one.
    sent = re.search(r'name="client_id" type="hidden" value="([^"]+)"', served.value.text())
    in_page = page.locator("input[name=client_id]").input_value()
    assert uuid.UUID(in_page) and in_page != sent.group(1)
    page.fill("input[name=name]", name)
    page.fill("input[name=credit_code]", "91350100M000100Y44")  # wrong check character
    page.fill("input[name=industry]", "信息技术")
    page.fill("input[name=mobile]", "13900008888")
    page.select_option("select[name=acquired_via]", "market_running")  # 客户来源: 跑市场
    page.click("button[type=submit]")
    expect(page.locator("#credit_code-error")).to_contain_text("校验不通过")
    expect(page.locator("input[name=name]")).to_have_value(name)
    page.screenshot(path=shots / "sme-sheet-error-phone.png", full_page=True)
    page.fill("input[name=credit_code]", "91350100M000100Y43")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".completeness__value")).to_contain_text("%")
    page.screenshot(path=shots / "sme-sheet-phone.png", full_page=True)

    page.goto("/customers/")
    page.fill("#customer-search", name[:8])
    expect(page.locator("#customer-rows .list__title").first).to_have_text(name)
    expect(page.locator("#customer-rows")).to_contain_text("139****8888")
    page.click(f"#customer-rows >> text={name}")
    page.click("text=加入意向客户表")
    page.select_option("select[name=category]", "corporate_settlement")
    page.fill("input[name=product_name]", "代发工资服务")
    page.fill("input[name=expected_amount]", "120000")
    page.fill("input[name=potential]", "新开户，代发待落地")
    page.click("button[type=submit]")
    expect(page.locator(".page-head .stage")).to_have_text("新意向")

    page.goto("/prospects/")
    # Active search: typing narrows the list in place (htmx), the address follows the search.
    tail = name[6:10]  # the random part of the company name
    page.fill("#prospect-search", tail)
    expect(page.locator("#prospect-rows .prospect")).to_have_count(1)
    expect(page.locator("#prospect-rows")).to_contain_text(name)
    expect(page).to_have_url(re.compile(f"q={tail}"))
    page.screenshot(path=shots / "prospects-search-phone.png", full_page=True)
    page.fill("#prospect-search", "没有这个客户")
    expect(page.locator("#prospect-rows .empty")).to_contain_text("没有与“没有这个客户”相符")
    page.fill("#prospect-search", "")
    row = page.locator(".prospect", has_text=name)
    for label in ("已联系", "已约见", "已面谈", "已提方案", "已成交"):
        row.locator("button[name=stage]").click()
        expect(row.locator(".stage")).to_have_text(label)
    expect(row).to_contain_text("已记入销售")
    page.screenshot(path=shots / "prospects-phone.png", full_page=True)


def test_today_schedule_and_kit_screens(page, context, shots, browser, live_server):
    """Today's panels come with the page; the week, kit and present mode look right."""
    sign_in(page, "wealth1")
    expect(page.locator("#today-schedule")).to_be_visible()
    expect(page.locator("#today-follow-ups")).to_be_visible()
    page.screenshot(path=shots / "today-panels-phone.png", full_page=True)
    page.goto("/schedule/week")
    expect(page.locator(".tile__value").first).to_have_text(re.compile(r"\d+"))
    page.screenshot(path=shots / "schedule-week-phone.png", full_page=True)
    page.goto("/kit/")
    page.screenshot(path=shots / "kit-phone.png", full_page=True)
    page.click(".card >> nth=0 >> .list__link >> nth=0")
    page.click("text=向客户展示")
    expect(page.locator(".slide").first).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("林晓燕")
    page.click("[data-slide=next]")
    expect(page.locator("#slide-count")).to_have_text(re.compile(r"^2 / \d+$"))
    page.screenshot(path=shots / "kit-present-phone.png")
    tablet = browser.new_context(base_url=live_server, viewport=TABLET, locale="zh-CN")
    other = tablet.new_page()
    sign_in(other, "manager")
    other.goto("/prospects/")
    other.screenshot(path=shots / "prospects-tablet.png", full_page=True)
    other.goto("/customers/new/sme")
    other.screenshot(path=shots / "sme-form-tablet.png", full_page=True)
    tablet.close()


def test_conflicting_edits_choose_field_by_field(page, context, shots):
    """Two tabs edit one SME sheet: the second save shows both versions and keeps the choices."""
    sign_in(page, "manager")  # the branch manager may edit every sheet of the branch
    page.goto("/customers/?q=有限公司")
    page.locator("#customer-rows .list__link").first.click()
    page.click("text=编辑信息表")
    other = context.new_page()
    other.goto(page.url)
    other.fill("input[name=address]", "世纪大道 8 号")
    other.click("button[type=submit]")
    expect(other.locator(".facts")).to_contain_text("世纪大道 8 号")
    page.fill("input[name=address]", "东方路 99 号")
    page.fill("input[name=next_step]", "周五约见老板")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("这张表已被他人先行修改")
    expect(page.locator(".conflict")).to_contain_text("世纪大道 8 号")
    page.screenshot(path=shots / "sheet-conflict-phone.png", full_page=True)
    page.locator("input[name=address]").nth(1).check()  # keep the saved address
    page.click("button[type=submit]")
    expect(page.locator(".facts")).to_contain_text("世纪大道 8 号")
    expect(page.locator(".facts")).to_contain_text("周五约见老板")
