"""Today offline right after signing in (issue 20, item 6), in a real Chromium on a phone.

A fresh sign-in, no reload, the network gone: Today opens from the phone's copy with its panels,
says "as of" the time that copy was made, and is only ever the signed-in person's copy.
"""

import re
from datetime import datetime

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import phone, sign_in
from tests.browser.test_offline import unique, wait_until
from webapp import timeutil
from webapp.auth.models import Staff
from webapp.extensions import db
from webapp.schedule import services
from webapp.schedule.models import EntryKind

AS_OF = re.compile(r"本机副本 \d{2}:\d{2}")
KEPT_TODAY = "() => caches.open('pages-v1').then(c => c.match('/today')).then(r => !!r)"


def _entry_today(app, username: str) -> str:
    """An entry on the person's schedule for today, under a title no other test uses."""
    title = unique("今日离线")
    with app.test_request_context():
        staff = db.session.scalar(select(Staff).where(Staff.username == username))
        today = timeutil.local_today()
        services.create_entry(
            staff_id=staff.id,
            branch_id=staff.branch_id,
            kind=EntryKind.FIELD_VISIT,
            title=title,
            starts_at=timeutil.local_to_utc(
                datetime.combine(today, datetime.min.time()).replace(hour=23)
            ),
        )
        db.session.commit()
    return title


def _fresh_sign_in(page, username: str) -> None:
    """Sign in and wait, with no reload, until the phone keeps Today."""
    sign_in(page, username)
    expect(page.locator("h1")).to_have_text("今日")
    page.evaluate("() => navigator.serviceWorker.ready")
    wait_until(page, KEPT_TODAY)


def test_today_opens_offline_with_its_panels_right_after_sign_in(
    browser, live_server, live_app, shots
):
    """Signed in on a new phone, offline before any reload: Today with its panels, as of HH:MM."""
    title = _entry_today(live_app, "retail1")
    context = phone(browser, live_server)
    try:
        page = context.new_page()
        _fresh_sign_in(page, "retail1")
        expect(page.locator("[data-as-of]")).to_be_hidden()  # online: the page is live
        context.set_offline(True)
        page.reload()
        expect(page.locator("h1")).to_have_text("今日")
        expect(page.locator("#today-schedule")).to_contain_text(title)
        expect(page.locator("#today-follow-ups")).to_contain_text("待跟进")
        expect(page.locator("[data-as-of]")).to_be_visible()
        expect(page.locator("[data-as-of]")).to_have_text(AS_OF)
        expect(page.locator("main")).not_to_contain_text("Offline")
        expect(page.locator("main")).not_to_contain_text("尚未保存在本机")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=shots / "today-offline-after-sign-in-phone.png")
    finally:
        context.close()


def test_today_offline_is_the_signed_in_persons_on_a_shared_phone(browser, live_server, live_app):
    """One phone, one person after another: offline, Today is the second person's, never the
    first's copy."""
    first = _entry_today(live_app, "retail1")
    second = _entry_today(live_app, "credit1")
    context = phone(browser, live_server)
    try:
        page = context.new_page()
        _fresh_sign_in(page, "retail1")
        context.clear_cookies()  # the first session ends without signing out
        _fresh_sign_in(page, "credit1")
        context.set_offline(True)
        page.reload()
        expect(page.locator("#today-schedule")).to_contain_text(second)
        expect(page.locator("main")).not_to_contain_text(first)
        expect(page.locator("[data-as-of]")).to_have_text(AS_OF)
    finally:
        context.close()


def test_the_workers_words_are_in_the_signed_in_persons_language(browser, live_server, live_app):
    """A person who works in English gets the worker's own notes in English, offline (the
    second branch's account manager, whom no other browser test signs in as)."""
    username = "zj_retail1"
    _set_locale(live_app, username, "en")
    context = phone(browser, live_server)
    try:
        page = context.new_page()
        sign_in(page, username)
        expect(page.locator("h1")).to_have_text("Today")
        page.evaluate("() => navigator.serviceWorker.ready")
        wait_until(page, KEPT_TODAY)
        wait_until(page, KEPT_TODAY.replace("/today", "/sync/offline"))
        context.set_offline(True)
        page.reload()
        expect(page.locator("[data-as-of]")).to_have_text(re.compile(r"As of \d{2}:\d{2}"))
        said = page.evaluate(
            "fetch('/customers/999999', {headers: {'HX-Request': 'true'}}).then(r => r.text())"
        )
        assert "Offline: this part has not been kept on this phone yet." in said
        assert "离线" not in said
    finally:
        context.close()
        _set_locale(live_app, username, "zh_CN")


def _set_locale(app, username: str, locale: str) -> None:
    """Set the language a member of staff works in."""
    with app.app_context():
        db.session.scalar(select(Staff).where(Staff.username == username)).locale = locale
        db.session.commit()
