"""Push in a real browser: subscribe on the settings page, a referral is delivered to the
service worker through the DevTools protocol, the notification shows, a tap opens the referral."""

import json
import time

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from py_vapid import Vapid
from sqlalchemy import select

from tests.browser.conftest import PHONE, TABLET, WAIT_MS, ready, served, sign_in
from tests.push.fakes import b64url, new_device, start_push_service, stop_push_service
from webapp import create_app, demo
from webapp.auth.models import Staff
from webapp.config import TestConfig
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.push.delivery import deliver_due
from webapp.push.models import PushSubscription
from webapp.signals import referral_sent
from webapp.timeutil import now_naive


class FakeReferral:
    """Test-only stand-in with exactly the Referral attributes webapp/signals.py documents
    (the referrals domain is not in this branch)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


@pytest.fixture(scope="module")
def push_app(tmp_path_factory):
    """The demo app with VAPID keys and the local push host allowed, served from a thread."""
    vapid = Vapid()
    vapid.generate_keys()
    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path_factory.mktemp('push-browser') / 'b.db'}",
        VAPID_PRIVATE_KEY=b64url(raw),
        PUSH_ALLOWED_HOSTS=("127.0.0.1",),
    )
    with app.app_context():
        upgrade()
        demo.load_demo()
    with served(app) as base_url:
        app.base_url = base_url
        yield app


@pytest.fixture
def push_service():
    service, server = start_push_service()
    yield service
    stop_push_service(service, server)


def test_subscribe_receive_a_referral_and_tap_it(browser, push_app, push_service, shots):
    """Permission granted by the test; subscribe on the settings page (or, when Chromium
    cannot reach its push service offline, the recipe's local subscription); a referral is
    queued and delivered; the service worker shows it; a tap brings the app to the referral."""
    base = push_app.base_url
    context = browser.new_context(base_url=base, viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    context.grant_permissions(["notifications"], origin=base)
    page = context.new_page()
    try:
        ready(page, "/push/", username="wealth1")
        expect(page.locator("[data-push-status]")).to_have_text("本设备尚未开启通知。")
        page.screenshot(path=shots / "push-settings-phone.png", full_page=True)

        # 1. Tap "turn on": the real pushManager.subscribe().
        page.click("[data-push-enable]")
        status = page.locator("[data-push-status]")
        expect(status).not_to_have_text("正在等待您授权…", timeout=30_000)
        outcome = status.inner_text()
        (shots / "push-subscribe-outcome.txt").write_text(outcome + "\n")
        device = new_device(push_service)
        if "本设备已开启通知" not in outcome:
            # Chromium's subscribe needs Google's push service (no internet here): inject a
            # subscription whose endpoint is the local fake service, through the same endpoint.
            assert outcome.startswith("无法开启通知：")
            response = page.evaluate(
                """async (sub) => {
                  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
                  const r = await fetch("/push/subscriptions", {method: "POST",
                    headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                    body: JSON.stringify(sub)});
                  return r.status;
                }""",
                {"endpoint": device.endpoint, "keys": device.keys(), "expirationTime": None},
            )
            assert response == 201
        page.reload()
        expect(page.locator("#push-devices .list__title")).to_have_count(1)

        # 2. A referral is sent to wealth1: the listener writes the outbox, the worker delivers.
        with push_app.app_context():
            receiver = db.session.scalar(select(Staff).where(Staff.username == "wealth1"))
            teller = db.session.scalar(select(Staff).where(Staff.username == "teller1"))
            customer = db.session.scalars(
                select(Customer).where(Customer.branch_id == receiver.branch_id)
            ).first()
            if "本设备已开启通知" in outcome:  # the real subscription: point it at the fake service
                sub = db.session.scalar(select(PushSubscription))
                sub.endpoint, sub.p256dh, sub.auth = (
                    device.endpoint,
                    device.keys()["p256dh"],
                    device.keys()["auth"],
                )
            referral = FakeReferral(
                id=41,
                branch_id=receiver.branch_id,
                receiver_id=receiver.id,
                referrer=teller,
                customer=customer,
                need_label="大额存款",
                created_at=now_naive(),
            )
            referral_sent.send(referral)
            db.session.commit()
            assert deliver_due(now_naive()) == {"sent": 1}
            masked = customer.masked_mobile
        [message] = push_service.received
        payload = device.decrypt(message.body)
        assert payload["title"] == f"转介客户：{customer.name} {masked}"
        assert payload["url"] == "/referrals/41"

        # 3. Hand the decrypted message to the service worker, as the push service would.
        cdp = context.new_cdp_session(page)
        registrations = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda e: registrations.extend(e["registrations"]),
        )
        cdp.send("ServiceWorker.enable")
        deadline = time.monotonic() + 10
        while not registrations and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        [registration] = [
            r for r in registrations if r["scopeURL"] == base + "/" and not r["isDeleted"]
        ]
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": base,
                "registrationId": registration["registrationId"],
                "data": json.dumps(payload),
            },
        )
        shown, deadline = None, time.monotonic() + 10
        while not shown and time.monotonic() < deadline:  # showNotification runs in the worker
            page.wait_for_timeout(100)
            shown = page.evaluate(
                """async () => {
                  const reg = await navigator.serviceWorker.ready;
                  const list = await reg.getNotifications();
                  return list.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url}));
                }"""
            )
        assert shown == [
            {
                "title": payload["title"],
                "body": payload["body"],
                "tag": payload["tag"],
                "url": "/referrals/41",
            }
        ]
        assert "大额存款 · 推荐人 吴佳琪" in shown[0]["body"]

        # 4. The tap. CDP has no way to click a system notification, so the test dispatches a
        # notificationclick with the shown notification inside the service worker itself.
        [worker] = context.service_workers
        worker.evaluate(
            """async () => {
              const [n] = await self.registration.getNotifications();
              self.dispatchEvent(new NotificationEvent("notificationclick", {notification: n}));
            }"""
        )
        page.wait_for_url(base + "/referrals/41")
        assert page.url == base + "/referrals/41"
    finally:
        context.close()


TARGETS = (
    "main .button, main button, main input:not([type=hidden]), main select, .tabbar a, main .chip"
)


def small_targets(page) -> list:
    """Touch targets under 44 px (a checkbox counts by its label, the whole row is the target);
    and the page must not scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    return page.eval_on_selector_all(
        TARGETS,
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => [e.outerHTML.slice(0, 60), (e.type === 'checkbox' ? e.closest('label') : e)"
        ".getBoundingClientRect().height])"
        ".filter(([_, h]) => h < 44)",
    )


def test_settings_and_broadcast_pages_on_phone_and_tablet(browser, push_app, shots):
    """The manager's pages render with the demo history, on a phone and a tablet."""
    for name, viewport in (("phone", PHONE), ("tablet", TABLET)):
        context = browser.new_context(base_url=push_app.base_url, viewport=viewport, locale="zh-CN")
        context.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            sign_in(page, "manager")
            page.goto("/push/")
            expect(page.locator("h1")).to_have_text("消息通知")
            expect(page.locator(".push-row").first).to_be_visible()
            page.screenshot(path=shots / f"push-settings-manager-{name}.png", full_page=True)
            assert page.evaluate("window.__csp") == []
            assert small_targets(page) == []
            page.goto("/push/broadcast")
            page.click("button.chip >> nth=0")
            expect(page.locator(".flash--ok")).to_contain_text("已发送给")
            page.screenshot(path=shots / f"push-broadcast-{name}.png", full_page=True)
            assert page.evaluate("window.__csp") == [] and errors == []
            assert small_targets(page) == []
        finally:
            context.close()


def test_iphone_users_are_told_about_the_home_screen(browser, push_app):
    """In iPhone Safari (not from the Home Screen) the Home Screen hint is brought forward."""
    context = browser.new_context(
        base_url=push_app.base_url,
        viewport=PHONE,
        locale="zh-CN",
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    )
    page = context.new_page()
    try:
        sign_in(page, "retail1")
        page.goto("/push/")
        hint = page.locator("[data-ios-hint]")
        expect(hint).to_have_class("push-ios push-ios--now")
        expect(hint).to_contain_text("添加到主屏幕")
    finally:
        context.close()
