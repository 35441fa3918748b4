"""The first load of each role's home, as Chromium receives it over the wire (README figures)."""

from tests.browser.conftest import PHONE, WAIT_MS, sign_in

# One person of each role in the demo branch (and the region's administrator).
PEOPLE = ("manager", "wealth1", "retail1", "credit1", "corporate1", "lobby1", "teller1", "admin")
GOAL_BYTES = 60 * 1024


def first_load(browser, base_url: str, username: str) -> tuple[str, int, int]:
    """Sign in, empty the browser's cache, open the home again: its path, the bytes received
    (Network.loadingFinished encodedDataLength: headers and bodies as sent) and the requests.
    No service worker: it would answer from its own cache what the network sends the first
    time (its install in the background is measured by bench/offline_sync.py)."""
    context = browser.new_context(
        base_url=base_url, viewport=PHONE, locale="zh-CN", service_workers="block"
    )
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        sign_in(page, username)
        home = page.url
        cdp = context.new_cdp_session(page)
        received: dict[str, int] = {}
        cdp.on(
            "Network.loadingFinished",
            lambda e: received.update({e["requestId"]: e["encodedDataLength"]}),
        )
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        page.goto(home)
        page.wait_for_load_state("networkidle")
        return home.removeprefix(base_url), sum(received.values()), len(received)
    finally:
        context.close()


def test_each_roles_first_home_load_is_under_60_kb_as_sent(browser, live_server, shots):
    """Compressed pages and static files keep every home's first load under 60 KB."""
    rows = [(name, *first_load(browser, live_server, name)) for name in PEOPLE]
    table = "\n".join(
        f"| {name} | {path} | {size / 1024:.1f} KB | {count} |" for name, path, size, count in rows
    )
    (shots / "first-load.md").write_text(
        "| sign-in | home | first load as sent | requests |\n|---|---|---|---|\n" + table + "\n",
        encoding="utf-8",
    )
    heavy = [(name, size) for name, _, size, _ in rows if size > GOAL_BYTES]
    assert not heavy, table
    assert all(count >= 4 for *_, count in rows), table  # the page, its style sheet and scripts


def test_a_repeat_load_asks_the_network_for_no_static_file(browser, live_server):
    """Once a home has been opened, opening it again takes every static file from the browser's
    cache (hashed names are immutable): nothing static crosses the network, not even a 304."""
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, locale="zh-CN", service_workers="block"
    )
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        sign_in(page, "retail1")  # the sign-in page and the home fill the cache
        cdp = context.new_cdp_session(page)
        urls: dict[str, str] = {}
        received: dict[str, int] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.update({e["requestId"]: e["request"]["url"]}),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: received.update({e["requestId"]: e["encodedDataLength"]}),
        )
        cdp.send("Network.enable")
        page.goto("/today")
        page.wait_for_load_state("networkidle")
        static = {i: url for i, url in urls.items() if "/static/" in url}
        assert len(static) >= 4, urls  # the style sheet, htmx, the app's scripts, the icons
        from_network = [url for i, url in static.items() if received.get(i, 0) > 0]
        assert not from_network
    finally:
        context.close()
