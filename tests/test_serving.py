"""Serving as sent: compressed when the client asks, content-hashed static names cached for good."""

import gzip
import re
from pathlib import Path

import brotli
import pytest
from flask import url_for

from tests.factories import make_customer
from webapp import ROOT
from webapp.auth.models import Role

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}
HASHED_CSS = re.compile(r"^/static/css/app-[0-9a-f]{32}\.css$")


def _get(client, path, encoding=None, **headers):
    if encoding:
        headers["Accept-Encoding"] = encoding
    with client.get(path, headers=headers) as response:
        response.raw = response.get_data()
    return response


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_page_and_a_fragment_are_compressed_when_asked(client, login_as, branch, encoding):
    """Today and an htmx fragment come back in the asked encoding; the page is still not stored
    and still varies on HX-Request, now on Accept-Encoding too."""
    for n in range(20):
        make_customer(branch, name=f"客户{n}")
    login_as(Role.BRANCH_MANAGER)
    page = _get(client, "/today", f"{encoding}, deflate")
    assert page.status_code == 200 and page.headers["Content-Encoding"] == encoding
    html = DECODE[encoding](page.raw).decode()
    assert html.startswith("<!doctype html>") and "今日" in html
    assert int(page.headers["Content-Length"]) == len(page.raw) < len(html.encode()) / 3
    assert page.headers["Cache-Control"] == "no-store"
    assert {"HX-Request", "Accept-Encoding"} <= set(page.vary)
    fragment = _get(client, "/customers/", encoding, **{"HX-Request": "true"})
    assert fragment.headers["Content-Encoding"] == encoding
    text = DECODE[encoding](fragment.raw).decode()
    assert "<html" not in text and "客户19" in text


def test_a_page_is_sent_as_is_when_no_encoding_is_asked(client, login_as):
    """A client that asks for nothing (or only for identity) gets the page as it is."""
    login_as(Role.RETAIL_AM)
    for encoding in (None, "identity"):
        page = _get(client, "/today", encoding)
        assert "Content-Encoding" not in page.headers
        assert page.raw.decode().startswith("<!doctype html>")


@pytest.mark.parametrize("encoding", ["br", "gzip", None])
def test_a_static_file_comes_in_the_asked_encoding(client, encoding):
    """The style sheet, hashed or not, is sent compressed when asked and as it is when not."""
    source = (ROOT / "static" / "css" / "app.css").read_bytes()
    with client.application.test_request_context():
        hashed = url_for("static", filename="css/app.css")
    for path in ("/static/css/app.css", hashed):
        response = _get(client, path, encoding)
        assert response.status_code == 200 and response.mimetype == "text/css"
        assert "Accept-Encoding" in response.vary
        if encoding:
            assert response.headers["Content-Encoding"] == encoding
            assert DECODE[encoding](response.raw) == source
            assert len(response.raw) < len(source) / 3
        else:
            assert "Content-Encoding" not in response.headers and response.raw == source
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_pictures_are_never_compressed_again(client):
    """A PNG is compressed already: it comes as it is, whatever the client accepts."""
    for name in ("img/icon-512.png", "img/apple-touch-icon.png"):
        response = _get(client, f"/static/{name}", "br, gzip")
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert "Content-Encoding" not in response.headers
        assert response.raw == (ROOT / "static" / name).read_bytes()


def test_a_hashed_static_name_is_kept_for_good_and_the_plain_name_is_not(client, login_as):
    """The pages name the hashed copy, cached a year as immutable; the plain name (kept for the
    web manifest's icons) is revalidated on each use and claims no immutability."""
    login_as(Role.RETAIL_AM)
    html = _get(client, "/today").raw.decode()
    styles = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert HASHED_CSS.match(styles), styles
    assert re.search(r'<script src="/static/vendor/htmx/htmx.min-[0-9a-f]{32}\.js"', html)
    hashed = _get(client, styles, "br")
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = _get(client, "/static/css/app.css", "br")
    assert "immutable" not in plain.headers["Cache-Control"]
    assert "max-age" not in plain.headers["Cache-Control"]
    assert plain.headers["Cache-Control"] == "no-cache"
    # Revalidation of the plain name answers 304 without the body.
    again = _get(client, "/static/css/app.css", "br", **{"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304 and again.raw == b""


def test_the_hashed_name_changes_with_the_content(app):
    """Each hashed name carries its file's MD5, so a changed file gets a new URL."""
    import hashlib

    with app.test_request_context():
        url = url_for("static", filename="js/outbox.js")
    md5 = hashlib.md5((ROOT / "static" / "js" / "outbox.js").read_bytes()).hexdigest()
    assert url == f"/static/js/outbox-{md5}.js"
    assert Path(ROOT / "static" / url.removeprefix("/static/")).exists()


def test_the_service_worker_is_compressed_and_still_answers_304(client):
    """The worker script's ETag names its encoding; a browser's revalidation gets 304."""
    first = _get(client, "/sw.js", "br")
    assert first.headers["Content-Encoding"] == "br" and first.headers["ETag"].endswith(':br"')
    assert "const VERSION" in brotli.decompress(first.raw).decode()
    again = _get(client, "/sw.js", "br", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.raw == b""
    plain = _get(client, "/sw.js")
    assert "Content-Encoding" not in plain.headers and "const VERSION" in plain.raw.decode()
    assert _get(client, "/sw.js", **{"If-None-Match": plain.headers["ETag"]}).status_code == 304
