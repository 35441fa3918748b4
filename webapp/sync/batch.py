"""The outbox's batch: many queued forms in one request, each handled by its own endpoint.

A phone back in signal may hold hundreds of forms. Sent one request each, a queue of 500 would
spend most of its time on the round trips, not on the work, so the service worker sends up to
BATCH_SIZE queued items in one POST; here each item is replayed through the app exactly
as if it had come alone: its own URL, form body, the caller's cookies and CSRF token, the
replay header, its own request context, access rule, validation, transaction and client_id
check. So a batch can do nothing its items could not do one by one, and each item's work is
its own unit: committed whole or not at all, whatever the items around it do.

Items run in queue order; the first one whose answer means "stop for now" (401/403, 408,
429, 5xx) ends the batch, as it would end a one-by-one loop, and the rest stay queued.
"""

from flask import current_app, request
from werkzeug.routing import RequestRedirect
from werkzeug.test import EnvironBuilder, run_wsgi_app

from webapp.extensions import db
from webapp.sync.protocol import OWNER_HEADER, REPLAY_HEADER

BATCH_SIZE = 25
STOPPING = frozenset({401, 403, 408, 429})
# Headers of the batch request that each item carries on (the rest belong to the batch).
CARRIED_HEADERS = ("Cookie", "X-CSRFToken", "Accept-Language", "User-Agent")


class BadBatch(ValueError):
    """The batch itself is malformed (not one of its items)."""


def _check(item) -> tuple[str, str, str]:
    if not isinstance(item, dict):
        raise BadBatch("item is not an object")
    url, body = item.get("url"), item.get("body")
    content_type = item.get("content_type") or "application/x-www-form-urlencoded"
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//"):
        raise BadBatch("item url must be a path of this site")
    if not isinstance(body, str) or not isinstance(content_type, str):
        raise BadBatch("item body must be text")
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(url.split("?")[0], "POST")
    except RequestRedirect as error:
        raise BadBatch("item url is not canonical") from error
    except Exception as error:  # werkzeug's NotFound / MethodNotAllowed
        raise BadBatch("item url is not a form of this site") from error
    if endpoint == "sync.batch":
        raise BadBatch("a batch cannot contain a batch")
    return url, body, content_type


def replay_items(items: list) -> list[dict]:
    """Replay each item through the app, in order; answer each one's status (and body if refused)."""
    if not isinstance(items, list) or not 0 < len(items) <= BATCH_SIZE:
        raise BadBatch(f"send 1 to {BATCH_SIZE} items")
    checked = [_check(item) for item in items]
    # The batch's own session may hold a read transaction: end it, so that each item's own
    # transaction (a separate session) is never blocked by it (SQLite locks the whole file).
    db.session.rollback()
    carried = {name: request.headers[name] for name in CARRIED_HEADERS if name in request.headers}
    carried[REPLAY_HEADER] = "1"
    results = []
    for item, (url, body, content_type) in zip(items, checked, strict=True):
        path, _, query = url.partition("?")
        sent = dict(carried)
        if item.get("owner") is not None:
            sent[OWNER_HEADER] = str(item["owner"])  # refused (409) unless it is the session's
        builder = EnvironBuilder(
            path=path,
            query_string=query,
            method="POST",
            data=body.encode(),
            content_type=content_type,
            headers=sent,
            environ_base={"REMOTE_ADDR": request.remote_addr or ""},
            base_url=request.host_url,
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        # Its own app context: Flask would reuse the batch's, and with it one database
        # session for every item, so what one item left pending would be committed by the next.
        with current_app.app_context():
            app_iter, status, headers = run_wsgi_app(current_app.wsgi_app, environ, buffered=True)
        text = b"".join(app_iter).decode("utf-8", "replace")
        code = int(status.split()[0])
        result = {"client_id": item.get("client_id"), "status": code}
        if headers.get("Retry-After"):
            result["retry_after"] = headers["Retry-After"]
        if code >= 400:
            result["body"] = text
        if headers.get(OWNER_HEADER + "-Refused"):
            result["owner_refused"] = True
        results.append(result)
        if code in STOPPING or code >= 500:
            break
    return results
