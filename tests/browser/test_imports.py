"""Importing customers on a phone (390x844): 1,000 rows, 20 bad ones reported by cell, the
import run by the worker with a progress bar, the customers in their owner's list."""

import threading

from playwright.sync_api import expect

from tests.browser.conftest import TABLET, phone, sign_in
from tests.imports.helpers import write_customer_workbook
from webapp.jobs.runner import run_pending


def worker(app, stop: threading.Event, running: threading.Event) -> None:
    """What `flask push worker` does for jobs, in a thread beside the test's server (it runs
    jobs only while `running` is set, as a worker that is down or busy would not)."""
    while not stop.is_set():
        if running.is_set():
            with app.app_context():
                run_pending()
        stop.wait(0.2)


def test_import_a_thousand_customers_twenty_bad(
    page, browser, live_app, live_server, shots, tmp_path
):
    path = tmp_path / "客户名单.xlsx"
    bad = write_customer_workbook(path, rows=1000, bad=20, owner_username="retail1", start=880000)
    stop, running = threading.Event(), threading.Event()
    running.set()
    thread = threading.Thread(target=worker, args=(live_app, stop, running), daemon=True)
    thread.start()
    try:
        sign_in(page, "manager")
        page.goto("/imports/")
        expect(page.locator("h1")).to_have_text("从 Excel 或 WPS 导入")
        expect(page.locator("#import-history, table")).to_contain_text("存量客户名单.xlsx")
        page.screenshot(path=shots / "imports-phone.png", full_page=True)
        page.set_viewport_size(TABLET)
        page.screenshot(path=shots / "imports-tablet.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.set_input_files("input[name=file]", str(path))
        page.click("button:has-text('检查文件')")
        errors = page.locator("#import-errors tbody tr")
        expect(errors).to_have_count(20)
        for row, column in bad:
            cells = page.locator("#import-errors tbody tr", has_text=column).filter(
                has=page.locator(f"td.num:text-is('{row}')")
            )
            expect(cells).to_have_count(1)
        expect(page.locator("#import-errors")).to_contain_text("身份证号码无效")
        page.screenshot(path=shots / "import-preview-phone.png", full_page=True)
        page.set_viewport_size(TABLET)
        page.screenshot(path=shots / "import-preview-tablet.png")
        page.set_viewport_size({"width": 390, "height": 844})
        running.clear()  # the job waits, so the page shows its progress bar polling
        page.click("button:has-text('导入 980 行有效数据')")
        expect(page.locator("#import-progress")).to_contain_text("导入中")
        page.screenshot(path=shots / "import-progress-phone.png")
        running.set()
        expect(page.locator("#created-count")).to_have_text("980")
        expect(page.locator("#import-summary h2")).to_have_text("已导入")
        page.screenshot(path=shots / "import-done-phone.png", full_page=True)
        page.goto("/audit/")
        expect(page.locator("#audit-entries")).to_contain_text("客户名单.xlsx")
        page.locator("#audit-entries").scroll_into_view_if_needed()
        page.screenshot(path=shots / "audit-phone.png")
        page.set_viewport_size(TABLET)
        page.screenshot(path=shots / "audit-tablet.png")
    finally:
        stop.set()
        thread.join(timeout=10)
    owner = phone(browser, live_server)
    try:
        mine = owner.new_page()
        sign_in(mine, "retail1")
        mine.goto("/customers/")
        mine.fill("#customer-search", "导入客户880000")
        expect(mine.locator("#customer-rows .list__title").first).to_have_text("导入客户880000")
        mine.screenshot(path=shots / "imported-in-owner-list-phone.png", full_page=True)
    finally:
        owner.close()
