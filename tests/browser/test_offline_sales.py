"""SME sheets and the sales kit with no network, in a real Chromium on a phone (issue 5).

The outbox and the precache are the ones market running uses (tests/browser/test_offline.py).
"""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import ready
from tests.browser.test_offline import (
    flush_and_wait,
    outbox,
    sync_now,
    unique,
    wait_outbox_empty,
    wait_until,
)
from webapp.auth.models import Staff
from webapp.customers import services
from webapp.customers.models import (
    Acquisition,
    Customer,
    CustomerKind,
    CustomerView,
    ViewReason,
)
from webapp.extensions import db


def _cached(path: str) -> str:
    return f"() => caches.open('pages-v1').then(c => c.match('{path}')).then(r => !!r)"


def _sme_opened_by(app, username: str) -> int:
    """An SME sheet owned by the user, who opened it recently (so the phone keeps it)."""
    with app.app_context():
        staff = db.session.scalar(select(Staff).where(Staff.username == username))
        customer = services.create_with_sheet(
            branch_id=staff.branch_id,
            kind=CustomerKind.SME,
            data={
                "name": unique("离线表") + "有限公司",
                "address": "张杨路 100 号",
                "industry": "商贸",
                "next_step": "介绍代发工资",
            },
            owner_id=staff.id,
            acquired_via=Acquisition.LOBBY,
        )
        db.session.add(
            CustomerView(customer_id=customer.id, staff_id=staff.id, branch_id=staff.branch_id)
        )
        db.session.commit()
        return customer.id


def test_10_sme_sheet_edited_offline_and_on_the_server_conflict_choice_saved(
    page, context, live_app, shots
):
    """Issue test 10 for SME sheets: offline edit, a colleague's change, both shown, choice kept."""
    customer_id = _sme_opened_by(live_app, "corporate1")
    edit_url = f"/customers/{customer_id}/edit"
    ready(page, "/customers/", username="corporate1")
    wait_until(page, _cached(edit_url))
    with live_app.app_context():  # the worker's fetch was a full view, audited as such
        reasons = select(CustomerView.reason).where(CustomerView.customer_id == customer_id)
        assert ViewReason.PRECACHE in db.session.scalars(reasons).all()
    expect(page.locator(".offline-sheets")).to_contain_text("离线表")  # the UI says which
    page.screenshot(path=shots / "customers-offline-sheets-phone.png", full_page=True)
    context.set_offline(True)
    page.goto(edit_url)
    page.fill("input[name=address]", "东方路 99 号")
    page.fill("input[name=next_step]", "周五约见老板")
    page.click("button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    assert [i["status"] for i in outbox(page)] == ["waiting"]
    with live_app.app_context():  # a colleague changes the sheet meanwhile
        customer = db.session.get(Customer, customer_id)
        customer.sme_sheet.address, customer.version = "世纪大道 8 号", customer.version + 1
        db.session.commit()
    context.set_offline(False)
    sync_now(page)
    wait_until(page, "() => OutboxStore.all().then(i => !!i[0] && i[0].status === 'conflict')")
    page.goto("/sync/outbox")
    page.click(".outbox-item--conflict >> text=打开并修改")
    expect(page.locator("h1")).to_have_text("这张表已被他人先行修改")
    expect(page.locator(".conflict")).to_contain_text("世纪大道 8 号")
    expect(page.locator(".conflict")).to_contain_text("东方路 99 号")
    page.screenshot(path=shots / "sme-offline-conflict-phone.png", full_page=True)
    page.locator("input[name=address]").nth(1).check()  # keep the colleague's address
    page.click("button[type=submit]")
    expect(page.locator("h1")).not_to_have_text("这张表已被他人先行修改")
    wait_outbox_empty(page)
    with live_app.app_context():
        customer = db.session.get(Customer, customer_id)
        sheet = customer.sme_sheet
        assert (sheet.address, sheet.next_step, customer.version) == (
            "世纪大道 8 号",
            "周五约见老板",
            3,
        )


def test_sme_sheet_created_offline_is_delivered_once(page, context, live_app):
    """A new SME sheet made with no signal: kept on the phone, then exactly one customer row."""
    ready(page, "/customers/new/sme", username="corporate1")
    wait_until(page, _cached("/customers/new/sme"))
    context.set_offline(True)
    page.goto("/customers/new")
    page.click("text=中小企业客户信息表")
    name = unique("离线新建") + "有限公司"
    page.fill("input[name=name]", name)
    page.fill("input[name=industry]", "餐饮")
    page.select_option("select[name=acquired_via]", "market_running")  # 客户来源: 跑市场
    page.click("button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    (item,) = outbox(page)
    with live_app.app_context():
        assert db.session.scalars(select(Customer).where(Customer.name == name)).all() == []
    context.set_offline(False)
    sync_now(page)
    wait_outbox_empty(page)
    page.reload()  # opening the app again flushes again: nothing is left to send twice
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert flush_and_wait(page)["sent"] == 0
    with live_app.app_context():
        rows = db.session.scalars(select(Customer).where(Customer.name == name)).all()
        assert len(rows) == 1 and rows[0].client_id == item["client_id"]
        assert rows[0].sme_sheet.industry == "餐饮"
        assert rows[0].acquired_via == "market_running"


def test_kit_and_present_mode_open_offline_after_one_visit(page, context, shots):
    """After one online visit the whole kit, its pictures and present mode work with no network."""
    ready(page, "/kit/", username="wealth1")
    urls = page.evaluate("fetch('/sync/precache').then(r => r.json()).then(d => d.pages)")
    kit = [u for u in urls if u.startswith("/kit/")]
    assert any("/present/" in u for u in kit) and any(u.endswith("/image") for u in kit)
    for url in kit:
        wait_until(page, _cached(url))
    context.set_offline(True)
    page.goto("/kit/")
    expect(page.locator("h1")).to_be_visible()
    page.click(".card >> nth=0 >> .list__link >> nth=0")
    page.click("text=向客户展示")
    expect(page.locator(".slide").first).to_be_visible()
    page.click("[data-slide=next]")
    expect(page.locator("#slide-count")).to_have_text(re.compile(r"^2 / \d+$"))
    for url in (u for u in kit if u.endswith("/image")):  # real pictures, from the phone
        width = page.evaluate(
            "url => fetch(url).then(r => r.blob()).then(createImageBitmap).then(b => b.width)", url
        )
        assert width > 0, url
    page.screenshot(path=shots / "kit-present-offline-phone.png")
    for url in kit:
        response = page.goto(url)
        assert response.ok, url
