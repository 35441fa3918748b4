"""One unit of work per request: a request that succeeds commits once, at its end; one that
fails keeps nothing.

Services add, change and flush; they never commit. The commit happens here, after the view
returned a response below 400 and before the response leaves, so a check-in that creates a
customer, a referral and a board change is stored whole or not at all, and a commit that fails
is the request's error (a 500 the outbox keeps and retries), never a success with nothing
stored. A response of 400 or more, or an exception in the view, leaves the transaction to
Flask-SQLAlchemy's teardown, which rolls it back. Work outside a request (the push worker, the
demo and the other commands) commits itself.

A request that only read also ends with COMMIT, which pays: psycopg prepares a statement on
the server once a connection has run it five times, sparing PostgreSQL parsing and planning it
again (0.4-0.6 ms for the prospect list or the referral ledger, more than running them), and
it forgets every prepared statement on ROLLBACK.
"""

from flask import Flask, Response, g

from webapp.extensions import db


def init_app(app: Flask) -> None:
    """End each successful request's transaction with its one commit."""
    app.after_request(_commit_on_success)


def keep_when_refused() -> None:
    """Commit this request's work even though it answers a refusal (4xx): for the trace a
    refusal must leave, such as a failed sign-in or a throttled search in the audit."""
    g.keep_when_refused = True


def _commit_on_success(response: Response) -> Response:
    """Commit the request's work when the response says it succeeded (status below 400), or
    refused on purpose with a trace to keep (never after a server error)."""
    refused_on_purpose = response.status_code < 500 and g.get("keep_when_refused", False)
    if (response.status_code >= 400 and not refused_on_purpose) or not db.session.registry.has():
        return response
    session = db.session()
    if session.in_transaction() or session.new or session.dirty or session.deleted:
        # The session closes next; objects kept past the request (tests, commands) stay loaded.
        session.expire_on_commit = False
        session.commit()
    return response
