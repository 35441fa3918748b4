"""A request that only read ends its transaction with COMMIT (PostgreSQL keeps the prepared
statements); one that wrote without committing, or failed, is still rolled back."""

import pytest
from flask import abort
from sqlalchemy import event, func, select, text

from tests.conftest import text_of
from tests.factories import make_branch
from webapp import create_app
from webapp.auth.access import public
from webapp.auth.models import Branch, Role
from webapp.config import TestConfig
from webapp.extensions import db as _db


@pytest.fixture
def endings(app):
    """The transaction endings ("commit"/"rollback"), raw connections and statements seen."""
    seen = {"endings": [], "connections": set(), "statements": set()}
    with app.app_context():
        engine = _db.engine

    def commit(conn):
        seen["endings"].append("commit")

    def rollback(conn):
        seen["endings"].append("rollback")

    def statement(conn, cursor, sql, *args):
        seen["connections"].add(conn.connection.dbapi_connection)
        seen["statements"].add(sql)

    listeners = (("commit", commit), ("rollback", rollback), ("before_cursor_execute", statement))
    for name, listener in listeners:
        event.listen(engine, name, listener)
    yield seen
    for name, listener in listeners:
        event.remove(engine, name, listener)


def test_a_page_that_only_reads_commits_and_keeps_prepared_statements(
    app, client, login_as, endings
):
    login_as(Role.RETAIL_AM)
    with app.app_context():
        _db.engine.dispose()  # a fresh pool: one connection serves the requests, as in a worker
    endings["endings"].clear()  # signing in wrote the new member of staff
    endings["connections"].clear()
    endings["statements"].clear()
    for _ in range(8):
        assert client.get("/today").status_code == 200
    assert endings["endings"] == ["commit"] * 8
    (connection,) = endings["connections"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg prepares a statement after five runs; a ROLLBACK would have dropped them all.
        prepared = connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()
        connection.rollback()
        assert prepared[0] == len(endings["statements"]) == 2  # the user, the follow-ups


def test_the_polled_lobby_board_keeps_one_generic_plan(app, client, login_as, endings):
    """The board is open all day: on PostgreSQL its prepared statement runs a generic plan
    (no planning per poll) and the request still ends with COMMIT (the setting is a SELECT)."""
    login_as(Role.LOBBY_MANAGER)
    with app.app_context():
        _db.engine.dispose()
    endings["endings"].clear()
    endings["connections"].clear()
    for _ in range(8):
        assert "今天还没有客户登记。" in text_of(client.get("/lobby/"))
    assert endings["endings"] == ["commit"] * 8
    (connection,) = endings["connections"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        plans = connection.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE 'SELECT check_in.id, check_in.ticket%'"
        ).fetchone()
        connection.rollback()
        # Prepared on the sixth run; runs six to eight planned nothing of their own.
        assert plans == (3, 0)


@pytest.fixture
def writing_app(app, db):
    """The app with routes that write without committing, or fail after writing."""
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])

    @other.get("/t/flushed")
    @public
    def flushed():
        _db.session.add(Branch(name="未提交支行", code="T-FLUSHED"))
        _db.session.flush()
        return "flushed"

    @other.get("/t/pending")
    @public
    def pending():
        _db.session.add(Branch(name="未提交支行", code="T-PENDING"))
        return "pending"

    @other.get("/t/core-insert")
    @public
    def core_insert():
        _db.session.execute(
            text(
                "INSERT INTO branch (name, code, created_at) VALUES ('未提交支行', 'T-CORE', CURRENT_TIMESTAMP)"
            )
        )
        return "inserted"

    @other.get("/t/renamed")
    @public
    def renamed():
        _db.session.scalars(select(Branch)).first().name = "改名支行"
        return "renamed"

    @other.get("/t/failed")
    @public
    def failed():
        _db.session.add(Branch(name="未提交支行", code="T-FAILED"))
        _db.session.flush()
        abort(409)

    yield other
    with other.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize("path", ["/t/flushed", "/t/pending", "/t/core-insert", "/t/failed"])
def test_what_a_view_wrote_without_committing_is_not_kept(writing_app, path):
    make_branch("陆家嘴支行")
    writing_app.test_client().get(path)
    with writing_app.app_context():
        names = _db.session.scalars(select(Branch.name)).all()
    assert names == ["陆家嘴支行"]


def test_a_change_left_in_the_session_is_not_committed(writing_app):
    make_branch("陆家嘴支行")
    assert writing_app.test_client().get("/t/renamed").status_code == 200
    with writing_app.app_context():
        assert _db.session.scalar(select(func.count()).where(Branch.name == "陆家嘴支行")) == 1
