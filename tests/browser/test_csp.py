"""Every main page loads under the strict CSP without a single violation."""

import pytest

from tests.browser.conftest import TABLET, sign_in

PAGES = {
    "manager": ["/dashboard", "/today", "/lobby/", "/customers/", "/me"],
    "retail1": ["/today", "/customers/", "/me"],
    "lobby1": ["/lobby/", "/customers/"],
    "admin": ["/region", "/customers/"],
}


@pytest.mark.parametrize("username", sorted(PAGES))
def test_no_csp_violation_on_any_main_page(browser, live_server, shots, username):
    """Console and securitypolicyviolation events are collected on each page; none may appear."""
    context = browser.new_context(base_url=live_server, viewport=TABLET)
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    sign_in(page, username)
    for path in PAGES[username]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.htmx && htmx.version").startswith("2.0"), path
        assert page.evaluate("window.__csp") == [], path
        page.screenshot(
            path=shots / f"tablet-{username}-{path.strip('/').replace('/', '-') or 'home'}.png"
        )
    bad = [m for m in messages if "Content Security Policy" in m or "pageerror" in m]
    assert bad == []
    context.close()
