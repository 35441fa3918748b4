"""One unit of work per request: a request that succeeds commits once at its end (one that only
read too, so PostgreSQL keeps its prepared statements); one that fails keeps nothing."""

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
        # The user and Today with its four panels in the page (schedule, referrals, prospects,
        # field), the recent customers, the books handed over and the action plans: 12 statements.
        assert prepared[0] == len(endings["statements"]) == 12


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

    @other.get("/t/refused")
    @public
    def refused():
        _db.session.add(Branch(name="未提交支行", code="T-REFUSED"))
        return "a form the outbox must fix", 422

    @other.get("/t/raised")
    @public
    def raised():
        _db.session.add(Branch(name="未提交支行", code="T-RAISED"))
        _db.session.flush()
        raise RuntimeError("a bug after the first write")

    @other.get("/t/clash")
    @public
    def clash():
        _db.session.add(Branch(name="未提交支行", code="T-CLASH"))
        _db.session.add(Branch(name="重复支行", code="T-CLASH"))  # refused at the commit
        return "looked fine"

    yield other
    with other.app_context():
        _db.engine.dispose()


def _branch_names(app) -> list[str]:
    with app.app_context():
        return sorted(_db.session.scalars(select(Branch.name)).all())


@pytest.mark.parametrize("path", ["/t/flushed", "/t/pending", "/t/core-insert"])
def test_a_request_that_succeeds_keeps_all_its_work(writing_app, path):
    """Services only add and flush: the request's one commit at its end keeps what they did."""
    make_branch("陆家嘴支行")
    assert writing_app.test_client().get(path).status_code == 200
    assert _branch_names(writing_app) == ["未提交支行", "陆家嘴支行"]


def test_a_change_left_in_the_session_is_committed(writing_app):
    make_branch("陆家嘴支行")
    assert writing_app.test_client().get("/t/renamed").status_code == 200
    assert _branch_names(writing_app) == ["改名支行"]


@pytest.mark.parametrize("path", ["/t/failed", "/t/refused"])
def test_a_request_that_answers_an_error_keeps_nothing(writing_app, path):
    """A 4xx (a refusal, a form the outbox must fix): nothing it wrote is kept."""
    make_branch("陆家嘴支行")
    assert writing_app.test_client().get(path).status_code >= 400
    assert _branch_names(writing_app) == ["陆家嘴支行"]


def test_a_request_that_raises_keeps_nothing(writing_app):
    make_branch("陆家嘴支行")
    with pytest.raises(RuntimeError):
        writing_app.test_client().get("/t/raised")
    assert _branch_names(writing_app) == ["陆家嘴支行"]


def test_a_commit_that_fails_is_the_requests_error_not_a_success(writing_app):
    """The commit runs before the response leaves: a clash at commit is an error (500 in
    production; the test client re-raises it), never a 200 with nothing stored."""
    make_branch("陆家嘴支行")
    writing_app.config["PROPAGATE_EXCEPTIONS"] = False
    answer = writing_app.test_client().get("/t/clash")
    assert answer.status_code == 500 and "looked fine" not in answer.get_data(as_text=True)
    assert _branch_names(writing_app) == ["陆家嘴支行"]


def test_a_referral_refused_after_its_new_customer_was_made_keeps_no_customer(
    app, db, client, login_as, branch
):
    """The lobby refers a walk-in typed as a new customer to a colleague who is serving: the
    refusal is shown and neither the customer nor the referral is stored (all or nothing)."""
    from tests.factories import make_staff
    from webapp.customers.models import Customer
    from webapp.lobby.models import Need
    from webapp.lobby.services import check_in_visitor, start_serving
    from webapp.referrals.models import Referral

    busy = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    lobby = login_as(Role.LOBBY_MANAGER)
    with app.app_context():
        start_serving(check_in_visitor(staff=_db.session.merge(lobby), first_need=Need.WEALTH),
                      _db.session.merge(busy))  # fmt: skip
        _db.session.commit()
    form = {"new_name": "新来的客户", "new_mobile": "13912340000", "need": "wealth",
            "receiver_id": busy.id}  # fmt: skip
    answer = client.post_form("/referrals/new", form)
    assert answer.status_code == 200 and "正在接待客户" in text_of(answer)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Customer)) == 0
        assert _db.session.scalar(select(func.count()).select_from(Referral)) == 0
