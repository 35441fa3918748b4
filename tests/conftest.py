"""Fixtures: the app on SQLite and on a real PostgreSQL, a clean database per test, sign-in."""

import re
from datetime import datetime

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import text

from tests import factories, postgres
from tests.factories import make_branch, make_staff
from webapp import create_app
from webapp.auth.models import Role
from webapp.config import TestConfig
from webapp.extensions import db as _db
from webapp.extensions import limiter

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def pytest_addoption(parser):
    """--clock: run the session as if the wall clock read another moment (tests/flakes.py)."""
    parser.addoption(
        "--clock",
        metavar="ISO",
        help="start the wall clock at this moment, e.g. 2026-12-06T16:01:00+00:00 (00:01 in "
        "Shanghai), and let it tick: finds tests that pass only at some times of day",
    )


def pytest_sessionstart(session):
    """Build static/ as `make static` does (hashed and compressed copies) when a file there
    changed since: every test app then serves what production serves, however pytest started."""
    from webapp import ROOT
    from webapp.static_files import build, is_built

    if not is_built(str(ROOT / "static")):
        build(str(ROOT / "static"))


def pytest_configure(config):
    """Move the clock for the whole session (collection included) when --clock asks."""
    moment = config.getoption("--clock")
    if moment:
        config._branchkit_clock = time_machine.travel(datetime.fromisoformat(moment), tick=True)
        config._branchkit_clock.start()


def pytest_unconfigure(config):
    """Put the clock back."""
    clock = getattr(config, "_branchkit_clock", None)
    if clock is not None:
        clock.stop()


@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL cluster for the whole session, stopped at the end. Its server runs at
    Asia/Shanghai, as a Shanghai bank's would: a time that depends on it shows 8 hours off."""
    if not postgres.available():
        pytest.skip(f"PostgreSQL did not run: no server binaries in {postgres.PG_BIN}")
    cluster = postgres.Cluster().start(postgres.SHANGHAI)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """Each database test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    return request.getfixturevalue("pg_cluster").create_database("branchkit_test")


@pytest.fixture(scope="session")
def app(database_url):
    """The application with its schema built by the migrations, as in production."""
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
    )
    with app.app_context():
        upgrade()
    # No app context stays pushed: each request must get its own, as in production.
    factories.APP = app
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, emptied after each test. Query it inside `with app.app_context()`."""
    yield _db
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with app.app_context(), _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


class Client:
    """The Flask test client plus helpers that behave like a browser with a form."""

    def __init__(self, flask_client):
        self.raw = flask_client

    def __getattr__(self, name):
        return getattr(self.raw, name)

    def csrf_token(self, page: str = "/login") -> str:
        """The CSRF token a user would get from a page."""
        html = self.raw.get(page).get_data(as_text=True)
        match = CSRF_RE.search(html)
        assert match, f"no CSRF token on {page}"
        return match.group(1) or match.group(2)

    def post_form(self, url: str, data: dict, page: str | None = None, **kwargs):
        """POST a form with the CSRF token taken from the page that shows it."""
        data = {"csrf_token": self.csrf_token(page or url), **data}
        return self.raw.post(url, data=data, **kwargs)


@pytest.fixture
def client(app, db):
    """A test client on a clean database, with the sign-in throttle's counters reset."""
    limiter.reset()
    return Client(app.test_client())


@pytest.fixture
def branch(db):
    """The branch most tests work in."""
    return make_branch("陆家嘴支行")


@pytest.fixture
def login_as(client, branch):
    """Sign the client in as a new member of staff with the given role (or as a given one)."""

    def sign_in(role_or_staff=Role.RETAIL_AM, **fields):
        staff = (
            role_or_staff
            if not isinstance(role_or_staff, Role)
            else make_staff(role_or_staff, fields.pop("branch", branch), **fields)
        )
        with client.raw.session_transaction() as session:
            session["_user_id"] = staff.get_id()
            session["_fresh"] = True
        return staff

    return sign_in


def text_of(response) -> str:
    """The visible text of an HTML response, whitespace collapsed."""
    return _visible_text(response.get_data(as_text=True))


def section_text(response, element_id: str) -> str | None:
    """The visible text of the element with this id in an HTML response, whitespace collapsed
    as by `text_of`; None when the page has no such element."""
    html = section_html(response, element_id)
    return None if html is None else _visible_text(html)


def section_html(response, element_id: str) -> str | None:
    """The markup of the element with this id in an HTML response, from its start tag to its
    end tag; None when the page has no such element."""
    html = response.get_data(as_text=True)
    start = re.search(rf'<([a-z][a-z0-9]*)\b[^>]*\sid="{re.escape(element_id)}"', html)
    if start is None:
        return None
    rest, depth = html[start.start() :], 0
    for mark in re.finditer(rf"<(/?){start.group(1)}\b[^>]*>", rest):
        depth += -1 if mark.group(1) else 1
        if depth == 0:
            return rest[: mark.end()]
    raise AssertionError(f"the element with id {element_id!r} is never closed")


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
