"""The service worker script, its precache list, the outbox's token and the offline pages."""

import re

from tests.conftest import text_of
from webapp.auth.models import Role


def test_the_service_worker_is_stamped_with_the_shell_version(client, app):
    """The script names every shell file under its hashed name, as the pages do; a new
    deployment changes its version."""
    response = client.get("/sw.js")
    source = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-cache"
    version = re.search(r'const VERSION = "([0-9a-f]{16})"', source).group(1)
    for path in (
        "/static/vendor/htmx/htmx.min.js",
        "/static/js/outbox.js",
        "/static/manifest.webmanifest",
        "/static/js/sw-push.js",
    ):
        stem, _, suffix = path.rpartition(".")
        assert re.search(rf'"{re.escape(stem)}-[0-9a-f]{{32}}\.{suffix}"', source), path
        assert f'"{path}"' not in source
    assert re.search(r'href=\\"/static/css/app-[0-9a-f]{32}\.css\\"', source)
    app.config["SW_VERSION_SUFFIX"] = "-next"
    try:
        assert f'"{version}-next"' in client.get("/sw.js").get_data(as_text=True)
    finally:
        app.config.pop("SW_VERSION_SUFFIX")


def test_the_worker_says_its_words_in_each_language_from_the_catalogue(client, login_as):
    """The worker's pages and notes come from templates in every language, none hard-coded; the
    script is the same whoever fetches it (a person's language never makes a new worker)."""
    anonymous = client.get("/sw.js").get_data(as_text=True)
    login_as(Role.RETAIL_AM, locale="en")
    english = client.get("/sw.js").get_data(as_text=True)
    assert english == anonymous
    for words in (
        "离线：此内容尚未保存在本机。",
        "Offline: this part has not been kept on this phone yet.",
        "未登录",
        "Signed out",
    ):
        assert words in english, words
    assert "Offline: not kept on this phone yet" not in english
    assert "Saved on this device; it will sync." not in english


def test_the_token_is_fresh_and_needs_a_session(client, login_as):
    """Signed out, the outbox is sent to sign in (it pauses); signed in, it gets a token."""
    anonymous = client.get("/sync/token")
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    staff = login_as(Role.RETAIL_AM)
    data = client.get("/sync/token").get_json()
    assert data["user"] == staff.id and len(data["token"]) > 20


def test_the_precache_list_follows_the_role(client, login_as):
    """A teller's phone keeps no market-running pages; an account manager's does."""
    login_as(Role.TELLER)
    pages = client.get("/sync/precache").get_json()["pages"]
    assert "/today" in pages and "/appointments/new" in pages and "/field/visits/new" not in pages
    login_as(Role.CREDIT_AM)
    assert "/field/visits/new" in client.get("/sync/precache").get_json()["pages"]


def test_the_offline_pages_render(client, login_as):
    """Saved-on-device (page and fragment), offline, outbox and install pages."""
    login_as(Role.RETAIL_AM)
    assert "已保存在本机" in text_of(client.get("/sync/saved"))
    fragment = client.get("/sync/saved", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "__BACK__" in fragment
    assert "离线不可用" in text_of(client.get("/sync/offline"))
    assert "待同步" in text_of(client.get("/sync/outbox"))
    install = text_of(client.get("/install"))
    assert "添加到主屏幕" in install and "iPhone" in install and "Android" in install


def test_signed_in_pages_carry_the_sync_bar_and_the_manifest(client, login_as):
    """Every signed-in page has the outbox bar; the manifest and touch icon are linked."""
    login_as(Role.RETAIL_AM)
    html = client.get("/today").get_data(as_text=True)
    assert 'id="sync-bar"' in html and 'id="outbox-count"' in html
    assert 'rel="manifest"' in html and re.search(r"apple-touch-icon-[0-9a-f]{32}\.png", html)
    with client.get("/static/manifest.webmanifest") as response:
        manifest = response.get_json()
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert manifest["display"] == "standalone" and ("512x512", "maskable") in sizes
    assert ("192x192", "any") in sizes
