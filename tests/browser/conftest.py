"""Browser tests: Playwright drives Debian's Chromium against the app served from a thread."""

import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from webapp import create_app, demo, timeutil
from webapp.config import TestConfig

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
# How long a test waits for what a person would see. expect() waits 5 s by default and page
# actions 10 s; a shared 2-core machine under load (CI, a developer's other work) has taken
# longer than 5 s for a flush to show, so both wait up to 20 s. A passing test waits no longer.
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)
TABLET = {"width": 1024, "height": 768}


def pytest_collection_modifyitems(items):
    """Every test under tests/browser/ carries the `browser` marker."""
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless in a container: no sandbox, no GPU, and none of its own
    background traffic, so a test sees only the app's requests."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (make test does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# The browser tests take about ten minutes; the demo they read is made for the branch's "today",
# and its lobby needs twenty minutes of that day (its long wait is past the 15-minute limit).
SESSION_MARGIN = timedelta(minutes=20)
DAY_UNDER_WAY = timedelta(minutes=20)


def _one_branch_day(app) -> None:
    """Start the browser tests on the day they end, once it is twenty minutes old. The demo writes
    "today's" walk-ins, waits and referrals for the local day it is loaded on: a session that
    crossed local midnight (16:00 UTC in Shanghai) read them as yesterday's (a CI run at 23:57
    failed four lobby tests that way), and in a day's first minutes no walk-in can have waited
    long. From SESSION_MARGIN before midnight to DAY_UNDER_WAY after it, it waits."""
    with app.app_context():
        now = timeutil.utc_to_local(timeutil.now_naive())
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    if midnight - now < SESSION_MARGIN:
        time.sleep((midnight + DAY_UNDER_WAY - now).total_seconds())
    elif now - (midnight - timedelta(days=1)) < DAY_UNDER_WAY:
        time.sleep((midnight - timedelta(days=1) + DAY_UNDER_WAY - now).total_seconds())


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app behind live_server, with the demo data on a SQLite file (tests may query it)."""
    db_path = tmp_path_factory.mktemp("browser") / "branchkit.db"
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}",
    )
    _one_branch_day(app)
    with app.app_context():
        upgrade()
        demo.load_demo()
    return app


def closing_body(app):
    """The app with each response body read and closed before the server writes it.

    Werkzeug's development server closes a response (and so a static file) only after it has
    drained the socket; when Chromium drops a connection (a cancelled 304) that read raises
    and the file is never closed. Its ResourceWarning would surface under `-W error` in
    whichever test happens to run, so the tests' server gets bodies it cannot leave open.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@contextmanager
def served(app):
    """A WSGI app served on 127.0.0.1 from a thread, its bodies closed (closing_body); yields
    its base URL. Every server of the browser tests starts here."""
    server = make_server("127.0.0.1", 0, closing_body(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def phone(browser, base_url: str):
    """A fresh phone-sized browser profile on a server, waiting as long as the tests wait."""
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    return context


@pytest.fixture(scope="session")
def live_server(live_app):
    """The app served on 127.0.0.1 from a thread."""
    with served(live_app) as base_url:
        yield base_url


@pytest.fixture
def context(browser, live_server):
    """A fresh phone-sized browser profile on the live server."""
    context = phone(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(context, request, shots):
    """A page in the phone context; a failing test leaves a screenshot behind."""
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        page.screenshot(path=shots / f"FAILED-{request.node.name}.png", full_page=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def shots() -> Path:
    """Where tests save their screenshots: test-results/ at the project root."""
    folder = Path(__file__).resolve().parents[2] / "test-results"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page, username: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Sign in through the real form."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def ready(page, path: str = "/field/visits/new", username: str = "retail1") -> None:
    """Sign in, open a page online, and wait until the service worker controls it."""
    sign_in(page, username)
    page.goto(path)
    page.evaluate("() => navigator.serviceWorker.ready")
    # A page opened while the first worker activates may miss clients.claim() in Chromium;
    # the next load of the page is controlled, as it is for a person.
    for _ in range(3):
        try:
            page.wait_for_function(
                "() => navigator.serviceWorker.controller !== null", timeout=5_000
            )
            return
        except PlaywrightTimeout:
            page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def until(page, condition, what: str, timeout_ms: int = WAIT_MS) -> None:
    """Let the page run until a condition seen from Python holds (a route was reached, a server
    holds an answer); fail saying what never happened rather than wait for ever."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        assert time.monotonic() < deadline, f"still waiting after {timeout_ms} ms: {what}"
        page.wait_for_timeout(50)
