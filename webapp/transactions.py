"""A request whose transaction only read ends it with COMMIT, so PostgreSQL keeps its plans.

psycopg prepares a statement on the server once a connection has run it five times, which
spares PostgreSQL parsing and planning it again (0.4-0.6 ms for the prospect list or the
referral ledger, more than running them), but psycopg forgets every prepared statement on
ROLLBACK. Flask-SQLAlchemy ends each request by closing the session, which rolls back, so no
statement ever got there. For a transaction that ran nothing but SELECTs, COMMIT and ROLLBACK
leave the database the same; anything else (a write, a savepoint, an error, changes still
pending in the session, an exception in the view) keeps the rollback.
"""

from flask import Flask
from sqlalchemy import event

from webapp.extensions import db

# Kept in the connection's info: did the current transaction run anything but a SELECT?
CHANGED = "branchkit.transaction_changed"


def init_app(app: Flask) -> None:
    """Watch the app's engine and end read-only requests with COMMIT."""
    with app.app_context():
        engine = db.engine
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _watch)
    event.listen(engine, "handle_error", _failed)
    # Registered after Flask-SQLAlchemy's teardown, so it runs before the session is closed.
    app.teardown_appcontext(_end_read_only)


def _begin(conn) -> None:
    conn.info[CHANGED] = False


def _watch(conn, cursor, statement, parameters, context, executemany) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[CHANGED] = True


def _failed(context) -> None:
    if context.connection is not None:
        context.connection.info[CHANGED] = True


def _end_read_only(exc: BaseException | None) -> None:
    """Commit the request's transaction when it only read; otherwise leave it to the rollback."""
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if not session.connection().info.get(CHANGED, True):
        # The session closes next; objects kept past the request (tests, commands) stay loaded.
        session.expire_on_commit = False
        session.commit()
