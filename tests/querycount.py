"""Count the SQL statements a request runs (issue 8: constant per page, no N+1)."""

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def count_statements(engine):
    """Yield a list that collects every statement executed on the engine inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
