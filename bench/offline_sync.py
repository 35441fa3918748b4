"""Benchmark of offline field use (not a test): run with `.venv/bin/python bench/offline_sync.py`.

1. Queues 500 visits offline in headless Chromium, restores the network, and reports the
   seconds until the outbox is empty and the server holds all 500 (goal: under 10 s).
2. The body bytes of the first online load of Today in a fresh profile, as the server sends
   them (compressed when Chromium asks; goal: under 60 KB, vendored files included), and of
   the service worker's install in the background. tests/browser/test_first_load.py measures
   each role's home as Chromium receives it, headers included.
3. The requests reaching the server on a repeat load of Today (goal: none for static files).

The app runs with the demo data on a SQLite file, served by werkzeug from a thread.
"""

import tempfile
import threading
import time
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from serve import gunicorn
from sqlalchemy import func, select
from werkzeug.serving import make_server

from webapp import create_app, demo
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.field.models import Visit

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
]
COUNT = 500


class Hits:
    """WSGI middleware recording each request reaching the server: path, body bytes as sent."""

    def __init__(self, app):
        self.app, self.rows = app, []

    def __call__(self, environ, start_response):
        body = b"".join(self.app(environ, start_response))
        self.rows.append((environ.get("PATH_INFO", ""), len(body)))
        return [body]

    @property
    def paths(self) -> list[str]:
        return [row[0] for row in self.rows]


def serve(folder: Path):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.db'}",
    )
    with app.app_context():
        upgrade()
        demo.load_demo()
    hits = Hits(app.wsgi_app)
    app.wsgi_app = hits
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, hits, server, f"http://127.0.0.1:{server.server_port}"


def sync_500(browser, base, app, label: str) -> None:
    """Queue COUNT visits offline, restore the network, time until all are on the server."""
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page)
    page.goto("/field/visits/new")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    prefix = f"bench-{label}-"
    started = time.perf_counter()
    page.evaluate(
        """async ([count, prefix]) => {
          const form = document.getElementById('visit-form');
          for (let i = 0; i < count; i++) {
            const body = new URLSearchParams(new FormData(form));
            body.set('client_id', crypto.randomUUID());
            body.set('business_name', prefix + String(i).padStart(3, '0'));
            body.set('outcome', 'not_interested');
            body.set('checked_in_at', new Date().toISOString());
            await fetch('/field/visits', {method: 'POST', body, headers: {'HX-Request': 'true'}});
          }
        }""",
        [COUNT, prefix],
    )
    queued = page.evaluate("() => OutboxStore.all().then(i => i.length)")
    print(f"[{label}] queued {queued} visits offline in {time.perf_counter() - started:.1f} s")
    context.set_offline(False)
    started = time.perf_counter()
    wait_until(page, "() => OutboxStore.all().then(i => i.length === 0)", 300)
    emptied = time.perf_counter() - started
    with app.app_context():
        held = db.session.scalar(
            select(func.count(Visit.id)).where(Visit.business_name.like(prefix + "%"))
        )
    print(
        f"[{label}] outbox empty after {emptied:.1f} s; the server holds {held} of {COUNT} "
        f"({COUNT / emptied:.0f} visits/s)"
    )
    context.close()


def sign_in(page):
    page.goto("/login")
    page.fill("input[name=username]", "retail1")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def wait_until(page, script: str, timeout: float) -> None:
    """Poll an async page expression until it is true."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise TimeoutError(script)
        time.sleep(0.05)


def first_load(browser, base, hits) -> None:
    """Today in a fresh profile (empty HTTP cache, no service worker yet), already signed in."""
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page)
    state = context.storage_state()
    context.close()
    context = browser.new_context(
        base_url=base, viewport={"width": 390, "height": 844}, storage_state=state
    )
    page = context.new_page()
    hits.rows.clear()
    page.goto("/today")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_timeout(500)
    rows = list(hits.rows)
    context.close()
    shell = {"/sw.js", "/sync/precache"}
    precache_from = next((i for i, r in enumerate(rows) if r[0] in shell), len(rows))
    page_rows, sw_rows = rows[:precache_from], rows[precache_from:]
    for label, part in (("the page itself", page_rows), ("the service worker's install", sw_rows)):
        print(
            f"first online load of Today, {label}: {len(part)} requests, "
            f"{sum(r[1] for r in part) / 1024:.1f} KB of bodies as sent"
        )
    print(f"first online load of Today, in all: {sum(r[1] for r in rows) / 1024:.1f} KB as sent")


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="branchkit-bench-"))
    app, hits, server, base = serve(folder)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        first_load(browser, base, hits)

        context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
        page = context.new_page()
        sign_in(page)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(1500)  # let the install's precache and app-open work finish
        hits.rows.clear()
        page.reload()
        page.wait_for_load_state("networkidle")
        static = [p for p in hits.paths if p.startswith("/static/")]
        print(
            f"repeat load of Today: {len(hits.paths)} requests reach the server "
            f"({len(static)} for static files): {sorted(set(hits.paths))}"
        )

        context.close()
        sync_500(browser, base, app, "werkzeug")
        process, gunicorn_base = gunicorn(f"sqlite:///{folder / 'bench.db'}", folder)
        try:
            sync_500(browser, gunicorn_base, app, "gunicorn")
        finally:
            process.terminate()
            process.wait(timeout=10)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
