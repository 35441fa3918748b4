"""Property-based: no form field and no query parameter (a day, week or month above all) of any
route answers 5xx.

The routes and their fields are found, not listed (tests/fuzzing.py): the URL map gives the
routes, each view's source the query parameters it reads and the WTForms classes it posts, each
form class its fields. The data is the demo branch (every kind of record a URL can name).
Hypothesis runs derandomised with few examples, so CI sees the same bounded set every run.
"""

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from tests.fuzzing import (
    clients,
    date_param_routes,
    days,
    form_routes,
    months,
    numbers,
    query_param_routes,
    target,
    texts,
    values_for,
)
from webapp.auth.models import Branch, Staff
from webapp.demo import load_demo
from webapp.extensions import db

FUZZ = settings(
    max_examples=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.generate),  # no shrinking: the failing request is printed
    report_multiple_bugs=False,
)


def empty_database(app) -> None:
    """Delete every row (the demo this module loaded), as the `db` fixture does after a test."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(scope="module")
def demo(app):
    """The demo region, loaded once for this module: {"branch": id, "staff": id, ...}."""
    with app.app_context():
        load_demo()
        home = db.session.scalar(select(Branch.id).where(Branch.name == "陆家嘴支行"))
        retail = db.session.scalar(select(Staff.id).where(Staff.username == "retail1"))
        wealth = db.session.scalar(select(Staff.id).where(Staff.username == "wealth1"))
    yield {"branch": home, "staff": retail, "staff2": wealth}
    empty_database(app)


def assert_no_server_error(send, what: str) -> None:
    """Send the request; a 5xx, or an exception the test client passes on, names the request."""
    try:
        response = send()
    except Exception as error:
        raise AssertionError(f"{type(error).__name__}: {error} for {what}") from error
    assert response.status_code < 500, f"{response.status_code} for {what}"


def test_the_fuzz_finds_the_routes_and_fields(app):
    """The discovery is not empty-handed: the known date pages and decimal fields are in it."""
    dated = {rule.endpoint: params for rule, params in date_param_routes(app)}
    assert dated["figures.monthly_xlsx"] == {"month": "month"}
    assert dated["schedule.week"] == {"start": "day"}
    assert dated["coaching.one_on_one"] == {"week": "day"}
    assert len(dated) >= 12
    forms = {rule.endpoint: fields for rule, fields in form_routes(app)}
    assert forms["field.create_visit"]["latitude"] == "number"
    assert forms["referrals.split_policy"]["referrer_share"] == "number"
    assert forms["referrals.allocate"]["share_{staff}"] == "number"
    assert forms["schedule.new"]["day"] == "day"


@FUZZ
@given(data=st.data())
def test_no_day_week_or_month_parameter_answers_5xx(app, demo, data):
    """Any text in a day, week or month parameter of any page: a page or a 4xx, never a 5xx."""
    for rule, params in date_param_routes(app):
        found = target(app, rule, demo, data.draw)
        if found is None:
            continue
        path, person = found
        query = {
            name: data.draw(days if kind == "day" else months, label=f"{rule.endpoint} {name}")
            for name, kind in params.items()
        }
        client = clients(app)[person]
        assert_no_server_error(
            lambda: client.get(path, query_string=query), f"GET {path} {query!r}"
        )


@FUZZ
@given(data=st.data())
def test_no_other_query_parameter_answers_5xx(app, demo, data):
    """Any text in the other parameters (?customer_id=, ?after=, ?staff=...): never a 5xx."""
    ids = st.sampled_from([str(demo["staff"]), "1", "0", "-1", "2147483648", "9" * 30])
    for rule, params in query_param_routes(app, dates=False):
        found = target(app, rule, demo, data.draw)
        if found is None:
            continue
        path, person = found
        query = {
            name: data.draw(st.one_of(ids, numbers, texts), label=f"{rule.endpoint} {name}")
            for name in params
        }
        client = clients(app)[person]
        assert_no_server_error(
            lambda: client.get(path, query_string=query), f"GET {path} {query!r}"
        )


@FUZZ
@given(data=st.data())
def test_no_form_field_answers_5xx(app, demo, data):
    """Any text in any field of any form: the form again with a message, or a 4xx; never 5xx."""
    ids = (demo["staff"], demo["staff2"], 1, 0, -1)
    for rule, fields in form_routes(app):
        found = target(app, rule, demo, data.draw)
        if found is None:
            continue
        path, person = found
        client = clients(app)[person]
        form = {"csrf_token": client.token}
        for name, kind in fields.items():
            if data.draw(st.booleans(), label=f"{rule.endpoint} has {name}"):
                value = data.draw(values_for(kind, ids), label=f"{rule.endpoint} {name}")
                form[name.format(**demo)] = value
        assert_no_server_error(lambda: client.raw.post(path, data=form), f"POST {path} {form!r}")
