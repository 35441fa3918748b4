"""The service worker, its precache list, a fresh CSRF token for the outbox, and offline pages."""

import hashlib
import json
import re
from functools import cache
from pathlib import Path

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from flask_static_digest.digester import DIGESTED_FILE_REGEX
from flask_wtf.csrf import generate_csrf

from webapp.auth.access import may_open, public, signed_in
from webapp.auth.sessions import WORKER_HEADER
from webapp.config import tile_origin
from webapp.htmx import is_fragment
from webapp.sync import bp, person  # noqa: F401 - its hooks
from webapp.sync.batch import BATCH_SIZE, BadBatch, replay_items
from webapp.sync.protocol import (
    CACHE_NAMES,
    OWNER_HEADER,
    PERSON_COOKIE,
    PRECACHE_HEADER,
    REPLAY_HEADER,
    UUID_RE,
)
from webapp.templating import html_lang

# The app shell: everything under these folders of static/ is precached.
SHELL_FOLDERS = ("css", "js", "vendor", "img")
SHELL_FILES = ("manifest.webmanifest",)
# A static URL written in the worker's source, in double quotes.
STATIC_URL_RE = re.compile(r'"(/static/[\w./-]+)"')


@cache
def _shell(static_folder: str) -> tuple[tuple[str, ...], str]:
    """The static files of the app shell (names in static/) and a hash of their content (the
    SW's version). The hashed and compressed copies a build writes beside them are left out."""
    root = Path(static_folder)
    files = sorted(
        p for folder in SHELL_FOLDERS for p in (root / folder).rglob("*") if p.is_file()
    ) + [root / name for name in SHELL_FILES if (root / name).exists()]
    digest = hashlib.sha256((root / "sw.js").read_bytes())
    names = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        if rel.endswith((".md", ".txt", ".gz", ".br")) or path.name == "LICENSE":
            continue
        if re.search(DIGESTED_FILE_REGEX, path.name):
            continue
        names.append(rel)
        digest.update(rel.encode() + path.read_bytes())
    return tuple(names), digest.hexdigest()[:16]


def worker_words() -> dict:
    """The worker's own words (its pages and notes) in every language of the app, by the language
    tag of <html lang>: the script is the same for everyone, and the worker says them in the
    language of the person signed in (static/sw.js, words())."""
    words = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            words[html_lang()] = {
                "signedOut": render_template("sync/worker/signed_out.html"),
                "notKept": render_template("sync/worker/_not_kept.html"),
                "notYours": render_template("sync/worker/_not_yours.html"),
                "saved": render_template("sync/_saved.html"),
                "savedAuth": render_template("sync/worker/_saved_auth.html"),
            }
    return words


def worker_protocol() -> dict:
    """The protocol's constants, written once here and put into the worker as it is served."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        default = html_lang()
    return {
        "words": worker_words(),
        "defaultLanguage": default,
        "batchSize": BATCH_SIZE,
        "clientId": UUID_RE.pattern,
        "replayHeader": REPLAY_HEADER,
        "precacheHeader": PRECACHE_HEADER,
        "workerHeader": WORKER_HEADER,
        "ownerHeader": OWNER_HEADER,
        "ownerRefusedHeader": OWNER_HEADER + "-Refused",
        "personCookie": PERSON_COOKIE,
        "caches": CACHE_NAMES,
        # The origin of the bank's map tiles (config MAP_TILES), kept for the map offline.
        "tiles": tile_origin(current_app.config["MAP_TILES"])
        if current_app.config.get("MAP_TILES")
        else None,
    }


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker script, stamped with the shell's version; never cached by HTTP."""
    names, version = _shell(current_app.static_folder)
    version += current_app.config.get("SW_VERSION_SUFFIX", "")
    static = Path(current_app.static_folder)
    source = (static / "sw.js").read_text(encoding="utf-8")
    # The outbox store is inlined: one request for the browser's update checks, not two.
    store = (static / "js" / "outbox-store.js").read_text(encoding="utf-8")
    source = source.replace('importScripts("/static/js/outbox-store.js");', store)
    # Each shell file under the name the pages ask for: its hashed name once static/ is built.
    urls = {f"/static/{name}": url_for("static", filename=name) for name in names}
    source = STATIC_URL_RE.sub(lambda m: json.dumps(urls.get(m.group(1), m.group(1))), source)
    source = (
        source.replace('"__VERSION__"', json.dumps(version))
        .replace('["__SHELL__"]', json.dumps(list(urls.values())))
        .replace("{ __PROTOCOL__: 0 }", json.dumps(worker_protocol(), ensure_ascii=False))
    )
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/sync/precache")
@signed_in
def precache():
    """The pages this user's phone keeps for offline use (those their role may open)."""
    declared = current_app.extensions["offline_pages"]
    pages = [
        url_for(page)
        for page in declared
        if isinstance(page, str) and may_open(current_user.role, page)
    ]
    for provider in declared:
        if callable(provider):
            pages.extend(provider(current_user))
    response = jsonify(pages=pages, fragments=[url_for("sync.saved")])
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sync/token")
@signed_in
def token():
    """A fresh CSRF token for the outbox, fetched just before each flush, and who is signed in."""
    response = jsonify(token=generate_csrf(), user=current_user.id)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sync/batch", methods=["POST"])
@signed_in
def batch():
    """Up to 25 queued forms from the outbox in one request, each replayed through its own
    endpoint in order; the answer lists each one's status."""
    payload = request.get_json(silent=True)
    try:
        results = replay_items(payload.get("items") if isinstance(payload, dict) else None)
    except BadBatch as error:
        return jsonify(error=str(error), protocol=True), 400
    response = jsonify(results=results)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sync/saved")
@signed_in
def saved():
    """The answer the service worker gives for a form kept on the device (precached)."""
    template = "sync/_saved.html" if is_fragment() else "sync/saved.html"
    return render_template(template)


@bp.route("/sync/offline")
@signed_in
def offline():
    """The page shown for an address that was never opened on this device while offline."""
    return render_template("sync/offline.html")


@bp.route("/sync/outbox")
@signed_in
def outbox():
    """What waits on this device to be sent, and what needs attention (filled in by the page)."""
    return render_template("sync/outbox.html")


@bp.route("/sync/outbox/item/<client_id>")
@signed_in
def outbox_item(client_id: str):
    """Reached only without the service worker: the item lives on the phone that saved it."""
    return render_template("sync/offline.html", missing_item=True)


@bp.route("/install")
@signed_in
def install():
    """How to put BranchKit on the Home Screen of an iPhone or an Android phone."""
    return render_template("sync/install.html")
