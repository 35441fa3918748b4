"""Serving as sent: pages compressed on the fly, static files under content-hashed names.

`flask static-build` (run by `make run`, `make test` and, when static/ changed since, by the
tests' own session) writes beside each file of static/ a copy named by its content
(Flask-Static-Digest: `app-<md5>.css`, listed in static/cache_manifest.json) and brotli and gzip
copies of every file that compresses (WhiteNoise's compressor leaves PNG and other compressed
formats alone). None of it is committed. WhiteNoise serves static/: a hashed name is cached for a year as immutable, any other
name is revalidated on each use; url_for('static', ...) yields the hashed name once built.
Flask-Compress compresses pages, fragments and JSON for a client that asks.
"""

import contextlib
import io
import json
import os
import re
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_compress import Compress
from flask_static_digest import digester
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from webapp import security

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATED = "no-cache"
MANIFEST = "cache_manifest.json"

compress = Compress()


def build(static_folder: str) -> dict[str, str]:
    """Write the hashed and the compressed copies of static/ afresh; answer the manifest."""
    root = static_folder.rstrip("/") + "/"
    with contextlib.redirect_stdout(io.StringIO()):  # the library reports each step on stdout
        digester.clean(root, [], True, True)  # the copies of files since changed or removed
        digester.compile(root, root, [], False, False)
    compressor = Compressor(quiet=True)
    for path in Path(root).rglob("*"):
        if path.is_file() and path.name != MANIFEST and compressor.should_compress(path.name):
            compressor.compress(str(path))
    return manifest(static_folder)


def is_built(static_folder: str) -> bool:
    """Whether the last build is still that of every file in static/ (none added or changed
    since): rebuilding then would only delete and rewrite what a running server serves."""
    root = Path(static_folder)
    names = manifest(static_folder)
    if not names:
        return False
    built_at = (root / MANIFEST).stat().st_mtime
    sources = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not _is_build_output(p)
    ]
    return set(sources) == set(names) and all(
        (root / name).stat().st_mtime <= built_at and (root / names[name]).exists()
        for name in sources
    )


def _is_build_output(path: Path) -> bool:
    return (
        path.suffix in (".gz", ".br")
        or path.name == MANIFEST
        or re.search(digester.DIGESTED_FILE_REGEX, path.name) is not None
    )


def manifest(static_folder: str) -> dict[str, str]:
    """Each static file's name and its hashed copy's, as the last build wrote them (or none)."""
    try:
        return json.loads((Path(static_folder) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _hash_the_name(endpoint: str, values: dict) -> None:
    """url_for('static', filename=...) names the hashed copy when there is one."""
    if endpoint == "static":
        names = current_app.extensions["static_manifest"]
        filename = values.get("filename")
        values["filename"] = names.get(filename, filename)


def init_app(app: Flask) -> None:
    """Compression of responses, and WhiteNoise in front of the app for static/."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br"])
    compress.init_app(app)
    names = manifest(app.static_folder)
    app.extensions["static_manifest"] = names
    app.url_defaults(_hash_the_name)
    hashed = {f"{app.static_url_path}/{name}" for name in names.values()}

    def add_headers(headers, path, url):
        headers["Cache-Control"] = IMMUTABLE if url in hashed else REVALIDATED
        for name, value in security.static_headers().items():
            headers.setdefault(name, value)

    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path.strip("/") + "/",
        max_age=None,
        allow_all_origins=False,  # same-origin files only, as before
        mimetypes={".webmanifest": "application/manifest+json"},
        add_headers_function=add_headers,
    )


@click.command("static-build")
@with_appcontext
def static_build() -> None:
    """Write the content-hashed and the compressed copies of static/ (not committed)."""
    built = build(current_app.static_folder)
    click.echo(f"{len(built)} static files hashed in {os.path.relpath(current_app.static_folder)}")


commands = (static_build,)
