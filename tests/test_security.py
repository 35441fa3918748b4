"""Security headers, cookies and CSRF on every response."""

import pytest

from webapp.auth.models import Role


@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/css/app.css", "/no-such-page"])
def test_security_headers_on_public_responses(client, path):
    """CSP without inline scripts, no framing, no sniffing, a same-origin referrer."""
    response = client.get(path)
    response.close()
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_vary_on_hx_request_and_are_not_cached(client, login_as):
    """Pages say they vary on HX-Request (the service worker's cache depends on it)."""
    login_as(Role.RETAIL_AM)
    response = client.get("/customers/")
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_script_or_handler_in_any_page(client, login_as):
    """The pages carry no inline <script> body and no on*= handler (the CSP would block them)."""
    import re

    login_as(Role.BRANCH_MANAGER)
    for path in ["/dashboard", "/today", "/customers/", "/lobby/", "/me"]:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path


def test_state_change_without_csrf_token_is_refused(client, login_as, app, db):
    """Changing the language without the CSRF token changes nothing."""
    from webapp.auth.models import Staff

    staff = login_as(Role.TELLER)
    response = client.post("/language", data={"locale": "en", "back": "/me"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Staff, staff.id).locale == "zh_CN"


def test_csrf_token_is_accepted_from_the_htmx_header(client, login_as, app, db):
    """htmx sends the token in X-CSRFToken (hx-headers on <body>)."""
    from webapp.auth.models import Staff

    staff = login_as(Role.TELLER)
    token = client.csrf_token("/me")
    response = client.post(
        "/language", data={"locale": "en", "back": "/me"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Staff, staff.id).locale == "en"


def test_friendly_404_in_the_users_language(client, login_as):
    """An unknown URL gets a translated 404 page, not a bare error."""
    login_as(Role.TELLER)
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_htmx_error_returns_a_fragment(client, login_as):
    """An htmx request for a missing record gets the short message fragment, not a whole page."""
    login_as(Role.TELLER)
    response = client.get("/customers/999999", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" not in html and "页面不存在" in html


def test_the_monthly_workbook_and_the_offline_kit_are_not_stored_by_caches(client, login_as):
    """Downloads and JSON carry customer and sales data: Cache-Control: no-store, like pages."""
    login_as(Role.BRANCH_MANAGER)
    workbook = client.get("/reports/monthly.xlsx?month=2026-10")
    assert workbook.status_code == 200 and workbook.mimetype.endswith("spreadsheetml.sheet")
    assert workbook.headers["Cache-Control"] == "no-store"
    kit = client.get("/kit/offline.json")
    assert kit.status_code == 200 and kit.is_json
    assert kit.headers["Cache-Control"] == "no-store"


# Responses that may be kept: files anyone may have, and the product images of the sales kit
# (no personal data; kept a day so the present mode shows them offline).
CACHEABLE = {"static", "sync.service_worker", "kits.image"}


def test_every_signed_in_answer_that_is_not_a_page_is_not_stored_either(app, client, login_as):
    """Walk the URL map: each GET route without variables, as a role it allows, answers with
    no-store whatever its type (JSON, a workbook, a fragment, a redirect)."""
    from webapp.auth.access import PUBLIC, SIGNED_IN, rule_for

    with app.test_request_context():
        rules = [
            (r.rule, rule_for(r.endpoint))
            for r in app.url_map.iter_rules()
            if "GET" in r.methods and "<" not in r.rule and r.endpoint not in CACHEABLE
        ]
    checked = 0
    for path, access in sorted(rules):
        if access == PUBLIC:
            continue
        role = Role.BRANCH_MANAGER if access == SIGNED_IN else min(access)
        if access != SIGNED_IN and Role.BRANCH_MANAGER in access:
            role = Role.BRANCH_MANAGER
        login_as(role)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(path, headers=headers)
            assert response.headers.get("Cache-Control") == "no-store", (path, headers)
            checked += 1
    assert checked > 60
