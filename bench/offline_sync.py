"""Benchmark of offline field use (not a test): run with `.venv/bin/python bench/offline_sync.py`.

1. Queues 500 visits offline in headless Chromium, restores the network, and reports the
   seconds until the outbox is empty and the server holds all 500 (goal: under 10 s).
2. The bytes of the first online load of Today in a fresh profile, as sent and gzipped
   (goal: under 60 KB compressed, fonts and vendored files included).
3. The requests reaching the server on a repeat load of Today (goal: none for static files).

The app runs with the demo data on a SQLite file, served by werkzeug from a thread.
"""

import gzip
import tempfile
import threading
import time
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
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
    """WSGI middleware counting the requests that reach the server, by path."""

    def __init__(self, app):
        self.app, self.paths = app, []

    def __call__(self, environ, start_response):
        self.paths.append(environ.get("PATH_INFO", ""))
        return self.app(environ, start_response)


def serve(folder: Path):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.db'}",
        LOGIN_ADDRESS_FAILURE_LIMIT="1000 per minute",
    )
    with app.app_context():
        upgrade()
        demo.load_demo()
    hits = Hits(app.wsgi_app)
    app.wsgi_app = hits
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, hits, server, f"http://127.0.0.1:{server.server_port}"


def sign_in(page):
    page.goto("/login")
    page.fill("input[name=username]", "retail1")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def first_load_bytes(browser, base) -> tuple[int, int, int]:
    """Sign in in a fresh profile, then load Today: (requests, bytes sent, bytes gzipped)."""
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/login")  # the sign-in page is not part of Today's load
    page.fill("input[name=username]", "retail1")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    responses = []
    page.on("response", responses.append)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    total = compressed = 0
    count = 0
    for response in responses:
        if response.request.method != "GET" or response.status != 200:
            continue
        body = response.body()
        count += 1
        total += len(body)
        compressed += len(gzip.compress(body, 6))
    context.close()
    return count, total, compressed


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="branchkit-bench-"))
    app, hits, server, base = serve(folder)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        count, raw, packed = first_load_bytes(browser, base)
        print(
            f"first online load of Today: {count} requests, {raw / 1024:.1f} KB as sent "
            f"(no compression in the app), {packed / 1024:.1f} KB gzipped"
        )

        context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
        page = context.new_page()
        sign_in(page)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(1500)  # let the install's precache and app-open work finish
        hits.paths.clear()
        page.reload()
        page.wait_for_load_state("networkidle")
        static = [p for p in hits.paths if p.startswith("/static/")]
        print(
            f"repeat load of Today: {len(hits.paths)} requests reach the server "
            f"({len(static)} for static files): {sorted(set(hits.paths))}"
        )

        page.goto("/field/visits/new")
        context.set_offline(True)
        started = time.perf_counter()
        page.evaluate(
            """async (count) => {
              const form = document.getElementById('visit-form');
              for (let i = 0; i < count; i++) {
                const body = new URLSearchParams(new FormData(form));
                body.set('client_id', crypto.randomUUID());
                body.set('business_name', 'bench-' + String(i).padStart(3, '0'));
                body.set('outcome', 'not_interested');
                body.set('checked_in_at', new Date().toISOString());
                await fetch('/field/visits', {method: 'POST', body, headers: {'HX-Request': 'true'}});
              }
            }""",
            COUNT,
        )
        queued = page.evaluate("() => OutboxStore.all().then(i => i.length)")
        print(f"queued {queued} visits offline in {time.perf_counter() - started:.1f} s")
        context.set_offline(False)
        started = time.perf_counter()
        page.wait_for_function(
            "() => OutboxStore.all().then(i => i.length === 0)", timeout=300_000, polling=100
        )
        emptied = time.perf_counter() - started
        with app.app_context():
            held = db.session.scalar(
                select(func.count(Visit.id)).where(Visit.business_name.like("bench-%"))
            )
        print(
            f"outbox empty after {emptied:.1f} s; the server holds {held} of {COUNT} "
            f"({COUNT / emptied:.0f} visits/s)"
        )
        context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
