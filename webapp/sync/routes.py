"""The service worker, served from the root so its scope is the whole app."""

from pathlib import Path

from flask import current_app, send_file

from webapp.auth.access import public
from webapp.sync import bp


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker script; never cached by HTTP so updates are seen at once."""
    path = Path(current_app.static_folder) / "sw.js"
    response = send_file(path, mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
