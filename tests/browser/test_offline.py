"""Offline field use in a real Chromium (issue 5, tests 1-9 and 11-14; 10 on a visit's edit).

Each test gets a fresh browser profile: a new service worker, an empty outbox. The server's
rows are read straight from the live app's database.
"""

import re
import time
import uuid
from datetime import timedelta

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import WAIT_MS, ready, sign_in
from webapp.auth.models import Staff
from webapp.extensions import db
from webapp.field.models import Outcome, Visit
from webapp.timeutil import now_naive

VISIT_FORM = "/field/visits/new"
# A visit reaches the server by its own URL when sent online, and inside /sync/batch when the
# outbox replays it: a test that fails or loses the sending fails or loses both.
SENDS = re.compile(r".*/(field/visits|sync/batch)$")


def unique(prefix: str = "离线测试") -> str:
    """A business name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def visits(app, name: str) -> list[Visit]:
    """The visits the server holds under a business name."""
    with app.app_context():
        return list(db.session.scalars(select(Visit).where(Visit.business_name == name)))


def fill_visit(page, name: str, mobile: str = "") -> None:
    """Fill the visit form as a person would, leaving it ready to send."""
    if page.url.split("?")[0].endswith(VISIT_FORM) is False:
        page.goto(VISIT_FORM)
    page.fill("#business_name", name)
    if mobile:
        page.fill("#contact_mobile", mobile)
    page.check("input[name=outcome][value=info_collected]")


def submit_visit(page, name: str, mobile: str = "") -> None:
    """Fill and send the visit form."""
    fill_visit(page, name, mobile)
    page.click("#visit-form button[type=submit]")


def outbox(page) -> list[dict]:
    """The items in the phone's outbox."""
    return page.evaluate("OutboxStore.all()")


def wait_until(page, script: str, timeout: int = WAIT_MS) -> None:
    """Poll an async page expression until it is true (wait_for_function does not await)."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(script):
                return
        except PlaywrightError:
            pass  # the page is between two loads (a sign-in redirect): ask again
        assert time.monotonic() < deadline, f"still false after {timeout} ms: {script}"
        page.wait_for_timeout(100)


def wait_outbox_empty(page, timeout: int = WAIT_MS) -> None:
    """Wait until the outbox holds nothing."""
    wait_until(page, "() => OutboxStore.all().then(items => items.length === 0)", timeout)


def sync_now(page) -> None:
    """Press the bar's "sync now" button (the bar shows while items wait)."""
    page.click("#sync-bar [data-sync-now]")


def flush_and_wait(page) -> dict:
    """Ask the worker for a flush, as "sync now" does, and wait for its answer: what it sent."""
    return page.evaluate(
        """() => new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (event) => resolve(event.data);
          navigator.serviceWorker.controller.postMessage(
            {type: "flush", force: true}, [channel.port2]);
        })"""
    )


def test_1_offline_submit_is_kept_on_the_device(page, context, live_app, shots):
    """Offline: "saved on this device" appears, the server has no row, the outbox one, badge 1."""
    ready(page)
    context.set_offline(True)
    name = unique()
    submit_visit(page, name)
    expect(page.locator("[data-outbox-saved]")).to_contain_text("已保存在本机")
    expect(page.locator("#outbox-count")).to_have_text("1")
    expect(page.locator("#sync-bar")).to_contain_text("1 条待同步")
    assert visits(live_app, name) == []
    items = outbox(page)
    assert len(items) == 1 and "business_name=" in items[0]["body"]
    assert "csrf_token" not in items[0]["body"]  # a fresh token is fetched to send it
    page.screenshot(path=shots / "offline-saved-phone.png", full_page=True)


def test_2_reload_and_navigate_offline_from_the_cache(page, context):
    """Offline, the reloaded form, Today, market running and the appointment form still open."""
    ready(page)
    context.set_offline(True)
    page.reload()
    expect(page.locator("h1")).to_have_text("新增拜访")
    expect(page.locator("#business_name")).to_be_visible()
    page.click(".tabbar >> text=今日")
    expect(page.locator("h1")).to_have_text("今日")
    page.goto("/field/")
    expect(page.locator("h1")).to_have_text("跑市场")
    page.goto("/appointments/new")
    expect(page.locator("h1")).to_have_text("新增约见")
    # A stop's visit form opened with a query works from the cached form, pre-filled.
    page.goto("/field/visits/new?business_name=%E5%B0%8F%E5%BA%97&stop_id=999")
    expect(page.locator("#business_name")).to_have_value("小店")
    # The outbox page says which pages this phone keeps.
    page.goto("/sync/outbox")
    expect(page.locator("[data-offline-pages]")).to_contain_text("新增约见")
    # A page never opened on this phone: the offline page, not the browser's error.
    page.goto("/customers/1")
    expect(page.locator("h1")).to_have_text("离线不可用")


def test_3_back_online_the_outbox_empties_once(page, context, live_app):
    """Back online: the outbox empties and the server has exactly one row."""
    ready(page)
    context.set_offline(True)
    name = unique()
    submit_visit(page, name)
    expect(page.locator("#outbox-count")).to_have_text("1")
    context.set_offline(False)  # the page's `online` event asks the worker to flush
    wait_outbox_empty(page)
    expect(page.locator("#sync-bar")).to_be_hidden()
    rows = visits(live_app, name)
    assert len(rows) == 1
    assert (
        rows[0].client_id == rows[0].client_id.lower() and rows[0].outcome == Outcome.INFO_COLLECTED
    )


def test_4_lost_response_is_replayed_without_a_second_row(page, context, live_app):
    """The server stores the visit but the answer is lost: replays leave exactly one row."""
    ready(page)
    lost = []

    def lose_answer(route):
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server receives and stores it...
            lost.append(1)
            route.abort()  # ...but the phone never hears back
        else:
            route.continue_()

    context.route(SENDS, lose_answer)
    name = unique()
    submit_visit(page, name)
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    assert len(visits(live_app, name)) == 1
    context.unroute(SENDS)
    # Background Sync (Chromium) or the page's retry timer sends it again.
    wait_outbox_empty(page)
    expect(page.locator("#sync-bar")).to_be_hidden()
    assert len(visits(live_app, name)) == 1


def test_5_double_tap_and_two_tabs_make_one_row(page, context, live_app):
    """The same form sent twice at once, and two tabs flushing together: one row each."""
    ready(page)
    # Double tap online: two POSTs with the same client_id race to the server.
    name = unique("双击")
    fill_visit(page, name)
    page.evaluate(
        """() => {
          const form = document.getElementById('visit-form');
          form.elements.client_id.value = crypto.randomUUID();
          form.elements.checked_in_at.value = new Date().toISOString();
          const body = new URLSearchParams(new FormData(form));
          const send = () => fetch('/field/visits', {method: 'POST', body,
            headers: {'HX-Request': 'true', 'X-CSRFToken': form.elements.csrf_token.value}});
          return Promise.all([send(), send(), send()]).then(rs => rs.map(r => r.status));
        }"""
    )
    assert len(visits(live_app, name)) == 1

    # Double tap offline: one item in the outbox.
    context.set_offline(True)
    offline_name = unique("离线双击")
    page.goto(VISIT_FORM)
    fill_visit(page, offline_name)
    page.evaluate(
        "() => { const f = document.getElementById('visit-form'); f.requestSubmit(); f.requestSubmit(); }"
    )
    expect(page.locator("#outbox-count")).to_have_text("1")
    assert len(outbox(page)) == 1

    # Two tabs open when the network returns: both ask to flush at the same moment.
    second = context.new_page()
    second.goto("/today")
    expect(second.locator("#outbox-count")).to_have_text("1")
    context.set_offline(False)
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush', force: true})")
    second.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush', force: true})")
    wait_outbox_empty(page)
    wait_outbox_empty(second)
    assert len(visits(live_app, offline_name)) == 1
    second.close()


def test_6_server_error_then_success_and_retry_after(page, context, live_app):
    """A 500 keeps the item and it is delivered later; a 429's Retry-After is honoured."""
    ready(page)
    calls = []

    def fail_first(route):
        if route.request.method != "POST":
            return route.continue_()
        calls.append(time.monotonic())
        if len(calls) == 1:
            return route.fulfill(status=500, body="boom")
        if len(calls) == 2:
            return route.fulfill(status=429, headers={"Retry-After": "3"}, body="slow down")
        return route.continue_()

    context.route(SENDS, fail_first)
    name = unique()
    submit_visit(page, name)
    expect(page.locator("[data-outbox-saved]")).to_be_visible()  # the 500 was kept
    assert len(outbox(page)) == 1 and visits(live_app, name) == []

    sync_now(page)  # the retry gets 429, Retry-After: 3
    wait_until(page, "() => OutboxStore.all().then(i => !!i[0] && i[0].lastStatus === 429)")
    assert flush_and_wait(page)["sent"] == 0  # too early: the flush ran and sent nothing
    assert len(calls) == 2 and len(outbox(page)) == 1
    # Once the server's three seconds are over, "sync now" sends it.
    wait_until(page, "() => OutboxStore.all().then(i => Date.now() >= i[0].retryAfterUntil)")
    sync_now(page)
    wait_outbox_empty(page)
    assert len(calls) == 3 and calls[2] - calls[1] >= 3
    assert len(visits(live_app, name)) == 1


def test_7_validation_error_on_replay_needs_attention_then_is_fixed(page, context, live_app, shots):
    """A replay the server refuses is kept as "needs attention", opened, fixed and delivered."""
    ready(page)
    context.set_offline(True)
    name = unique()
    submit_visit(page, name, mobile="12345")  # not a mobile number: refused on replay
    expect(page.locator("#outbox-count")).to_have_text("1")
    context.set_offline(False)
    attention = page.locator("#sync-bar [data-sync-attention]")
    expect(attention).to_have_text("1 条需要处理")
    assert visits(live_app, name) == []
    items = outbox(page)
    assert len(items) == 1 and items[0]["status"] == "attention" and items[0]["lastStatus"] == 422

    attention.click()
    expect(page.locator(".outbox-item--attention")).to_contain_text(name)
    page.screenshot(path=shots / "outbox-attention-phone.png", full_page=True)
    page.click(".outbox-item--attention >> text=打开并修改")
    expect(page.locator("#contact_mobile")).to_have_value("12345")
    expect(page.locator(".field__error")).to_contain_text("11位")
    page.fill("#contact_mobile", "13912345678")
    page.click("#visit-form button[type=submit]")
    expect(page.locator(".flash--ok")).to_contain_text(name)
    wait_outbox_empty(page)
    rows = visits(live_app, name)
    assert len(rows) == 1 and rows[0].contact_mobile == "13912345678"


def test_a_refused_item_in_a_batch_waits_while_the_others_are_delivered(page, context, live_app):
    """Good, refused, good queued together go in one batch: two rows, one item needs attention."""
    ready(page)
    context.set_offline(True)
    names = [unique("批-一"), unique("批-二"), unique("批-三")]
    for name, mobile in zip(names, ("", "12345", ""), strict=True):
        page.goto(VISIT_FORM)
        submit_visit(page, name, mobile=mobile)
    expect(page.locator("#outbox-count")).to_have_text("3")
    batches = []
    context.on("request", lambda r: batches.append(r) if r.url.endswith("/sync/batch") else None)
    context.set_offline(False)
    expect(page.locator("#sync-bar [data-sync-attention]")).to_have_text("1 条需要处理")
    assert [len(visits(live_app, n)) for n in names] == [1, 0, 1]
    items = outbox(page)
    assert [i["status"] for i in items] == ["attention"] and items[0]["lastStatus"] == 422
    assert len(batches) == 1  # all three went in one request


def test_8_expired_session_pauses_the_queue_until_sign_in(page, context, live_app):
    """The session ends while offline: the queue pauses, asks to sign in, then delivers."""
    ready(page)
    context.set_offline(True)
    name = unique()
    submit_visit(page, name)
    expect(page.locator("#outbox-count")).to_have_text("1")
    context.clear_cookies()  # the session expired meanwhile
    context.set_offline(False)
    expect(page.locator("[data-sync-paused]")).to_be_visible()
    expect(page.locator("[data-sync-paused]")).to_contain_text("重新登录")
    assert visits(live_app, name) == [] and len(outbox(page)) == 1
    page.click("[data-sync-paused] a")
    page.fill("input[name=username]", "retail1")
    page.fill("input[name=password]", "demo-password")
    page.click("button[type=submit]")
    wait_outbox_empty(page)
    assert len(visits(live_app, name)) == 1


def test_9_items_queued_then_page_closed_are_sent_on_app_open(page, context, live_app):
    """The page is closed with items waiting; opened again online, the app sends them."""
    ready(page)
    context.set_offline(True)
    names = [unique(), unique()]
    for name in names:
        page.goto(VISIT_FORM)
        submit_visit(page, name)
        expect(page.locator("[data-outbox-saved]")).to_be_visible()
    page.close()
    context.set_offline(False)
    reopened = context.new_page()
    reopened.goto("/today")
    wait_outbox_empty(reopened)
    assert [len(visits(live_app, n)) for n in names] == [1, 1]


def _make_visit(app, notes: str) -> int:
    with app.app_context():
        staff = db.session.scalar(select(Staff).where(Staff.username == "retail1"))
        visit = Visit(
            branch_id=staff.branch_id,
            staff_id=staff.id,
            business_name=unique("冲突"),
            outcome=Outcome.INFO_COLLECTED,
            notes=notes,
            checked_in_at=now_naive(),
        )
        db.session.add(visit)
        db.session.commit()
        return visit.id


def test_10_offline_edit_changed_on_the_server_shows_a_conflict(page, context, live_app, shots):
    """An offline edit of a visit changed meanwhile on the server: conflict page, choice saved."""
    visit_id = _make_visit(live_app, "原始备注")
    ready(page, f"/field/visits/{visit_id}/edit")
    context.set_offline(True)
    page.fill("#notes", "我在路上改的备注")
    page.check("input[name=outcome][value=appointment]")
    page.click("button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    with live_app.app_context():  # a colleague changes the visit meanwhile
        visit = db.session.get(Visit, visit_id)
        visit.outcome, visit.notes, visit.version = Outcome.LEAD, "同事的备注", visit.version + 1
        db.session.commit()
    context.set_offline(False)
    sync_now(page)
    wait_until(page, "() => OutboxStore.all().then(i => !!i[0] && i[0].status === 'conflict')")
    page.goto("/sync/outbox")
    page.click(".outbox-item--conflict >> text=打开并修改")
    expect(page.locator("h1")).to_have_text("已被他人修改")
    expect(page.locator(".conflict")).to_contain_text("同事的备注")
    expect(page.locator(".conflict")).to_contain_text("我在路上改的备注")
    page.screenshot(path=shots / "conflict-phone.png", full_page=True)
    page.check("input[name=outcome][value=lead]")  # keep the colleague's outcome, my notes
    page.click("button[type=submit]")
    expect(page.locator("h1")).not_to_have_text("已被他人修改")
    wait_outbox_empty(page)
    with live_app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert (visit.outcome, visit.notes, visit.version) == (Outcome.LEAD, "我在路上改的备注", 3)


def test_11_new_service_worker_version_prompts_and_keeps_the_outbox(page, context, live_app):
    """A new worker deployed while items wait: the reload prompt appears; the outbox survives."""
    ready(page)
    context.route(
        SENDS,
        lambda route: (
            route.fulfill(status=503, body="down")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    name = unique()
    submit_visit(page, name)
    expect(page.locator("#outbox-count")).to_have_text("1")
    shells = "() => caches.keys().then(k => k.filter(n => n.startsWith('shell-')))"
    old = page.evaluate(shells)
    suffix = "-deployed-" + uuid.uuid4().hex[:6]
    live_app.config["SW_VERSION_SUFFIX"] = suffix
    try:
        page.reload()
        expect(page.locator("#sw-update")).to_be_visible()
        assert len(outbox(page)) == 1  # the new worker waits; nothing was touched
        with page.expect_navigation():
            page.click("#sw-update [data-sw-reload]")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        expect(page.locator("#sw-update")).to_be_hidden()
        wait_until(
            page,
            shells.replace("k.filter", "k.some").replace(
                "n.startsWith('shell-')", f"n.endsWith('{suffix}')"
            ),
        )
        assert page.evaluate(shells) != old  # the old shell cache is gone, the outbox is not
        assert len(outbox(page)) == 1
    finally:
        live_app.config.pop("SW_VERSION_SUFFIX", None)
    context.unroute(SENDS)
    sync_now(page)
    wait_outbox_empty(page)
    assert len(visits(live_app, name)) == 1


def test_12_an_item_eight_days_old_is_still_delivered(page, context, live_app):
    """Age never drops an item: one queued eight days ago is sent, with its old check-in time."""
    ready(page)
    context.set_offline(True)
    name = unique()
    submit_visit(page, name)
    expect(page.locator("#outbox-count")).to_have_text("1")
    page.evaluate(
        """async () => {
          const [item] = await OutboxStore.all();
          const old = Date.now() - 8 * 24 * 3600 * 1000;
          const body = new URLSearchParams(item.body);
          body.delete('checked_in_at');  // the server then takes the queue time
          item.body = body.toString();
          item.queuedAt = old;
          item.seq = old * 1000;
          await OutboxStore.put(item);
        }"""
    )
    context.set_offline(False)
    wait_outbox_empty(page)
    rows = visits(live_app, name)
    assert len(rows) == 1
    age = now_naive() - rows[0].checked_in_at
    assert timedelta(days=7, hours=23) < age < timedelta(days=8, hours=1)


def test_14_fifty_visits_offline_all_delivered_once_in_order(page, context, live_app):
    """Fifty visits saved offline in one go reach the server once each, in the order saved."""
    ready(page)
    context.set_offline(True)
    prefix = unique("批量")
    page.evaluate(
        """async (prefix) => {
          const form = document.getElementById('visit-form');
          for (let i = 0; i < 50; i++) {
            const body = new URLSearchParams(new FormData(form));
            body.set('client_id', crypto.randomUUID());
            body.set('business_name', prefix + '-' + String(i).padStart(2, '0'));
            body.set('outcome', 'not_interested');
            body.set('checked_in_at', new Date().toISOString());
            await fetch('/field/visits', {method: 'POST', body, headers: {'HX-Request': 'true'}});
          }
        }""",
        prefix,
    )
    assert len(outbox(page)) == 50
    context.set_offline(False)
    wait_outbox_empty(page, timeout=60_000)
    with live_app.app_context():
        rows = db.session.execute(
            select(Visit.id, Visit.business_name)
            .where(Visit.business_name.like(prefix + "-%"))
            .order_by(Visit.id)
        ).all()
    assert [r.business_name for r in rows] == [f"{prefix}-{i:02d}" for i in range(50)]


def test_13_the_app_is_installable(browser, live_server, tmp_path):
    """Chromium finds nothing missing to install the app (manifest, icons, service worker)."""
    from tests.browser.conftest import CHROMIUM, PHONE

    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        base_url=live_server,
        viewport=PHONE,
        locale="zh-CN",
    )
    try:
        page = context.new_page()
        ready(page, "/today")
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [] and "BranchKit" in manifest["data"]
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        page.goto("/install")
        expect(page.locator("h1")).to_have_text("添加到主屏幕")
        expect(page.locator("body")).to_contain_text("iPhone")
    finally:
        context.close()


def test_signing_out_with_items_waiting_warns_first(page, context):
    """Sign-out asks first while items wait; declining keeps the session and the items."""
    ready(page)
    context.route(
        SENDS,
        lambda route: (
            route.fulfill(status=503, body="down")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    submit_visit(page, unique())
    expect(page.locator("#outbox-count")).to_have_text("1")
    page.goto("/me")
    messages = []

    def answer(dialog):
        messages.append(dialog.message)
        dialog.dismiss() if len(messages) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.click("text=退出登录")
    expect(page.locator("h1")).to_contain_text("王磊")
    assert "1 条记录待同步" in messages[0]
    page.click("text=退出登录")
    expect(page.locator("input[name=username]")).to_be_visible()
    assert len(messages) == 2
    sign_in(page, "retail1")  # the items waited on the phone
    expect(page.locator("#outbox-count")).to_have_text("1")
