"""Issue 17, items 20-22: an ended session, a dead token or a cut answer never costs what was typed."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import phone, ready, served, sign_in, until
from tests.browser.test_offline import (
    VISIT_FORM,
    fill_visit,
    outbox,
    unique,
    visits,
    wait_outbox_empty,
    wait_until,
)

SAVE = "#visit-form button[type=submit]"


def flush(page) -> None:
    """Ask the worker to send what waits now (as the page does when the network returns)."""
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush', force: true})")


def test_a_form_sent_after_the_session_ended_is_kept_until_sign_in(page, context, live_app):
    """Session cookie gone under an open form: Save keeps it (paused), sign-in sends it once."""
    ready(page, VISIT_FORM)
    context.clear_cookies()  # the app was closed: the session cookie is gone
    name = unique("会话结束")
    fill_visit(page, name)
    page.click(SAVE)
    saved = page.locator("[data-outbox-saved]")
    expect(saved).to_contain_text("重新登录")
    expect(page.locator("body")).not_to_contain_text("表单已过期")
    items = outbox(page)
    assert [i["status"] for i in items] == ["auth"] and visits(live_app, name) == []
    saved.get_by_role("link", name="重新登录").click()  # the card also offers the next steps
    page.fill("input[name=username]", "retail1")
    page.fill("input[name=password]", "demo-password")
    page.click("button[type=submit]")
    wait_outbox_empty(page)
    assert len(visits(live_app, name)) == 1


def test_closing_the_app_right_after_save_loses_nothing(page, context, live_app):
    """Save with no session, the app closed before the answer: the form is there at next sign-in."""
    ready(page, VISIT_FORM)
    context.clear_cookies()
    held = []
    context.route("**/field/visits", lambda route: held.append(route))
    name = unique("随即关闭")
    fill_visit(page, name)
    page.click(SAVE)
    until(page, lambda: held, "the save reached the network")
    page.close()  # the person closes the app before any answer
    context.unroute("**/field/visits")
    held[0].fallback()
    reopened = context.new_page()
    sign_in(reopened, "retail1")
    wait_until(reopened, "() => !!window.OutboxStore")
    wait_outbox_empty(reopened)
    assert len(visits(live_app, name)) == 1


def test_a_dead_token_and_a_failed_token_request_keep_the_form_waiting(page, context, live_app):
    """A form from before a new sign-in, and the fresh-token request fails once: kept, then sent."""
    ready(page, VISIT_FORM)
    other = context.new_page()
    context.clear_cookies()
    sign_in(other, "retail1")  # a new session: the open form's token is dead
    other.close()
    failures = []

    def fail_once(route):
        if failures:
            return route.fallback()
        failures.append(1)
        return route.fulfill(status=500, body="boom")

    context.route("**/sync/token", fail_once)
    name = unique("令牌失败")
    fill_visit(page, name)
    page.click(SAVE)
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("表单已过期")
    assert failures == [1]
    context.unroute("**/sync/token")
    flush(page)
    wait_outbox_empty(page)
    assert len(visits(live_app, name)) == 1


class CutAnswers:
    """WSGI middleware: while armed, a visit is stored and its answer is cut off mid-body."""

    def __init__(self, app):
        self.app = app
        self.armed = 0

    def __call__(self, environ, start_response):
        if not (
            self.armed
            and environ["REQUEST_METHOD"] == "POST"
            and environ["PATH_INFO"] == "/field/visits"
        ):
            return self.app(environ, start_response)
        self.armed -= 1
        answer = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(self.app(environ, capture))
        headers = [(k, v) for k, v in answer["headers"] if k.lower() != "content-length"]
        headers += [("Content-Length", str(len(body) + 4096)), ("Connection", "close")]
        start_response(answer["status"], headers)
        return [body[: len(body) // 2]]


@pytest.fixture
def cutting(live_app, browser):
    """A second server on the same app and database whose answers can be cut; a phone on it."""
    middleware = CutAnswers(live_app.wsgi_app)
    with served(middleware) as base_url:
        context = phone(browser, base_url)
        yield middleware, context.new_page()
        context.close()


def test_a_save_whose_answer_is_cut_off_shows_its_outcome_and_makes_one_row(cutting, live_app):
    """The server stores the visit, the answer breaks mid-body: the phone says so at once, and
    the visit reaches the server once (the form is not typed again into a second row)."""
    middleware, page = cutting
    ready(page, VISIT_FORM)
    name = unique("回复中断")
    fill_visit(page, name)
    middleware.armed = 1
    page.click(SAVE)
    expect(page.locator("[data-outbox-saved]")).to_be_visible(timeout=5_000)
    assert len(visits(live_app, name)) == 1
    flush(page)  # Background Sync may have sent it already: the server answers with the same row
    wait_outbox_empty(page)
    assert len(visits(live_app, name)) == 1


def test_every_way_a_send_ends_shows_its_outcome(page, context):
    """A send aborted, failed or timed out in the page (no worker between) tells the person."""
    ready(page, VISIT_FORM)
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.unregister())")
    page.reload()
    held = []
    context.route("**/field/visits", lambda route: held.append(route))
    fill_visit(page, unique("中止"))
    page.click(SAVE)
    until(page, lambda: held, "the save reached the network")
    page.evaluate("htmx.trigger('#visit-form', 'htmx:abort')")
    expect(page.locator("#flash [data-no-answer=send]")).to_contain_text("不会重复保存")
    held[0].abort()


def test_the_worker_takes_the_batch_size_from_the_server(page, context, live_app, monkeypatch):
    """Issue 17 item 13: the server's batch size changes; the worker follows it, nothing loops."""
    monkeypatch.setattr("webapp.sync.batch.BATCH_SIZE", 2)
    monkeypatch.setattr("webapp.sync.routes.BATCH_SIZE", 2)
    ready(page, VISIT_FORM)
    context.set_offline(True)
    names = [unique("批量大小") for _ in range(5)]
    for name in names:
        page.goto(VISIT_FORM)
        fill_visit(page, name)
        page.click(SAVE)
        expect(page.locator("[data-outbox-saved]")).to_be_visible()
    batches = []
    context.on("request", lambda r: batches.append(r) if r.url.endswith("/sync/batch") else None)
    context.set_offline(False)
    wait_outbox_empty(page)
    assert [len(visits(live_app, n)) for n in names] == [1] * 5
    assert len(batches) == 3


def test_a_batch_the_server_calls_malformed_needs_attention_not_endless_retries(page, context):
    """A whole batch refused as malformed (400 with its reason): shown, not retried for ever."""
    ready(page, VISIT_FORM)
    context.set_offline(True)
    fill_visit(page, unique("坏批次"))
    page.click(SAVE)
    expect(page.locator("#outbox-count")).to_have_text("1")
    context.route(
        "**/sync/batch",
        lambda route: route.fulfill(
            status=400, content_type="application/json", body='{"error": "send 1 to 2 items"}'
        ),
    )
    context.set_offline(False)
    expect(page.locator("#sync-bar [data-sync-attention]")).to_have_text("1 条需要处理")
    assert [i["status"] for i in outbox(page)] == ["attention"]
