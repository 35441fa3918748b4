"""Static files under hashed names, offline: a page kept before an update still gets its files."""

from tests.browser.conftest import ready

OLD_HASH = "0" * 32  # a build that is no longer deployed


def test_a_page_kept_before_an_update_gets_the_current_files_offline(page, context):
    """A kept page names the style sheet and scripts it was served with; after an update the
    worker holds them under new hashed names. Offline, an old name is answered with the current
    file of the same name (online, the server no longer has it either)."""
    ready(page, "/today")
    current = page.evaluate(
        "() => document.querySelector('link[rel=stylesheet]').getAttribute('href')"
    )
    assert current.startswith("/static/css/app-") and current.endswith(".css")
    old = f"/static/css/app-{OLD_HASH}.css"
    fetch = """async (url) => {
        try {
            const response = await fetch(url);
            return [response.status, await response.text()];
        } catch (error) {
            return [0, String(error)];
        }
    }"""
    expected = page.evaluate(fetch, current)
    assert expected[0] == 200 and ".tabbar" in expected[1]
    assert page.evaluate(fetch, old) == expected  # online: the server has no such build
    context.set_offline(True)
    assert page.evaluate(fetch, old) == expected
    assert page.evaluate(fetch, f"/static/js/outbox-{OLD_HASH}.js")[0] == 200
    assert page.evaluate(fetch, f"/static/js/no-such-file-{OLD_HASH}.js")[0] != 200
    context.set_offline(False)
