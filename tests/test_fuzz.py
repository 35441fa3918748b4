"""Property-based: no form field and no day, week or month parameter of any route answers 5xx.

The routes and their fields are found, not listed: the URL map gives the routes, each view's
source the query parameters it reads and the WTForms classes it posts, each form class its
fields. The data is the demo branch (every kind of record a URL can name). Hypothesis runs
derandomised with few examples, so CI sees the same bounded set every run.
"""

import inspect
import re
import sys
from datetime import date

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from wtforms import fields as wtf

from tests.conftest import Client
from webapp.auth.access import PUBLIC, SIGNED_IN, rule_for
from webapp.auth.models import Branch, Role, Staff
from webapp.coaching.models import TARGET_METRICS
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.extensions import db, limiter

FUZZ = settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.generate),  # no shrinking: the failing request is printed
    report_multiple_bugs=False,
)

# Query parameters holding a day (YYYY-MM-DD; a week is given by any of its days) or a month.
DATE_PARAMS = {"day": "day", "date": "day", "start": "day", "week": "day", "month": "month"}
READS_PARAM = re.compile(r'(?:request\.(?:args|values)\.get|day_arg)\(\s*"(\w+)"')
# Not posted as a form: sign-in and language (public, throttled), sign-out, JSON bodies.
NOT_FORMS = {"auth.login", "auth.language", "auth.logout", "sync.batch", "push.subscribe"}
# Forms parsed by hand rather than by WTForms: their fields, by pattern.
HAND_PARSED = {
    "referrals.allocate": ("share_{staff}", "share_{staff2}", "reason"),
    "coaching.targets": tuple(
        f"t-{key}-{metric}" for key in ("branch", "{staff}") for metric in TARGET_METRICS
    ),
}
ACTIONS = {
    "referrals.act": (
        "accept",
        "contacted",
        "met",
        "won",
        "lost",
        "declined",
        "dispute",
        "reassign",
    ),
    "lobby.change": ("serve", "done"),
}
KINDS = ("morning", "evening")
# Who signs in for a rule: the branch manager where allowed, else the first that is.
PEOPLE = {
    Role.BRANCH_MANAGER: "manager",
    Role.RETAIL_AM: "retail1",
    Role.LOBBY_MANAGER: "lobby1",
    Role.ADMIN: "admin",
}
ID_TABLES = {
    "plan": "action_plan",
    "entry": "schedule_entry",
    "phase": "split_phase",
    "subscription": "push_subscription",
}

EDGE_DAYS = ("9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", "0000-00-00", "-1-01-01")
EDGE_MONTHS = ("9999-12", "0001-01", "2026-13", "2026-00", "0-0", "-2026-1", "99999-1")
EDGE_NUMBERS = (
    "Infinity", "-Infinity", "inf", "NaN", "sNaN", "-sNaN", "1e999999999", "-1e999999999",
    "1e308", "-1e308", "1e-999999999", "-0", "99999999999999999999999", "2147483648",
    "-2147483649", "9223372036854775808", "１２３", "٣٤", "0x10", "1_000", " 5 ", "",
)  # fmt: skip
EDGE_TEXT = ("\x00", "a\x00b", "' OR 1=1 --", "<script>", "𝕏" * 300, "x" * 5000, "\u202e")

days = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(date.isoformat),
    st.sampled_from(EDGE_DAYS),
    st.text(max_size=12),
)
months = st.one_of(
    st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13)),
    st.sampled_from(EDGE_MONTHS),
    st.text(max_size=10),
)
numbers = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.integers(0, 300).map(str),
)
texts = st.one_of(st.text(max_size=80), st.sampled_from(EDGE_TEXT))
times = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")), st.sampled_from(("24:00", "99:99")), texts
)
datetimes = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.builds("{}T{}".format, days, times),
    texts,
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


def signed_in_client(app, username: str) -> Client:
    """A client signed in through the real sign-in form."""
    limiter.reset()
    client = Client(app.test_client())
    response = client.post_form("/login", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client


def person_for(endpoint: str, app) -> str:
    """The demo sign-in that may open an endpoint."""
    with app.test_request_context():
        rule = rule_for(endpoint)
    if rule == SIGNED_IN:
        return "manager"
    return next(name for role, name in PEOPLE.items() if role in rule)


def some_id(app, name: str, branch_id: int) -> int | None:
    """An id of the record a URL variable names (`<int:referral_id>`), in the demo branch."""
    table = db.metadata.tables.get(ID_TABLES.get(name, name))
    if table is None:
        return None
    query = select(table.c.id).order_by(table.c.id).limit(1)
    if "branch_id" in table.c:
        query = query.where(table.c.branch_id == branch_id)
    with app.app_context():
        return db.session.scalar(query)


def url_for_rule(app, rule, demo, draw=None) -> str | None:
    """The rule's URL with its variables filled from the demo (None when one cannot be)."""
    path = rule.rule
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", path):
        if converter == "int":
            value = some_id(app, name.removesuffix("_id"), demo["branch"])
        elif name == "kind":
            value = draw(st.sampled_from(KINDS)) if draw else KINDS[0]
        elif name == "action" and rule.endpoint in ACTIONS:
            value = draw(st.sampled_from(ACTIONS[rule.endpoint]))
        else:
            value = None
        if value is None:
            return None
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path, count=1)
    return path


def view_of(app, endpoint: str):
    return app.view_functions[endpoint]


def date_param_routes(app) -> list[tuple]:
    """(rule, {param: "day" or "month"}) for each GET route whose view reads one."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = set(READS_PARAM.findall(inspect.getsource(view_of(app, rule.endpoint))))
        params = {n: DATE_PARAMS[n] for n in names if n in DATE_PARAMS}
        if params:
            found.append((rule, params))
    return sorted(found, key=lambda item: item[0].rule)


def form_routes(app) -> list[tuple]:
    """(rule, {field name: kind}) for each POST route that is a form a person fills in."""
    found = []
    with app.test_request_context():
        rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
        for rule in sorted(rules, key=lambda r: r.rule):
            if rule.endpoint in NOT_FORMS or rule_for(rule.endpoint) == PUBLIC:
                continue
            view = view_of(app, rule.endpoint)
            source = inspect.getsource(view)
            module = sys.modules[view.__module__]
            fields = {}
            for name, obj in vars(module).items():
                if inspect.isclass(obj) and issubclass(obj, FlaskForm) and f"{name}(" in source:
                    fields.update(form_fields(obj))
            fields.update(dict.fromkeys(HAND_PARSED.get(rule.endpoint, ()), "number"))
            if "reason" in fields:
                fields["reason"] = "text"
            found.append((rule, fields))
    return found


FIELD_KINDS = (
    (wtf.DateTimeLocalField, "datetime"),
    (wtf.DateField, "day"),
    (wtf.TimeField, "time"),
    (wtf.DecimalField, "number"),
    (wtf.FloatField, "number"),
    (wtf.IntegerField, "number"),
    (wtf.BooleanField, "flag"),
    (wtf.SelectMultipleField, "choices"),
    (wtf.SelectField, "choice"),
    (wtf.RadioField, "choice"),
)


def form_fields(form_class) -> dict[str, str]:
    """A form class's fields and the kind of value each takes."""
    out = {}
    for klass in reversed(form_class.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, wtf.core.UnboundField) and name != "csrf_token":
                kind = next(
                    (k for cls, k in FIELD_KINDS if issubclass(value.field_class, cls)), "text"
                )
                out[name] = kind
    return out


def values_for(kind: str, ids) -> st.SearchStrategy:
    """Plausible and hostile text for a field of that kind."""
    plausible_ids = st.sampled_from([str(i) for i in ids])
    return {
        "day": days,
        "datetime": datetimes,
        "time": times,
        "number": numbers,
        "flag": st.sampled_from(("y", "", "on", "0")),
        "choice": st.one_of(plausible_ids, texts, numbers),
        "choices": st.one_of(plausible_ids, texts),
        "text": texts,
    }[kind]


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
    assert dated["reports.monthly_xlsx"] == {"month": "month"}
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
        path = url_for_rule(app, rule, demo, data.draw)
        if path is None:
            continue
        query = {
            name: data.draw(days if kind == "day" else months, label=f"{rule.endpoint} {name}")
            for name, kind in params.items()
        }
        client = clients(app)[person_for(rule.endpoint, app)]
        assert_no_server_error(
            lambda: client.get(path, query_string=query), f"GET {path} {query!r}"
        )


@FUZZ
@given(data=st.data())
def test_no_form_field_answers_5xx(app, demo, data):
    """Any text in any field of any form: the form again with a message, or a 4xx; never 5xx."""
    ids = (demo["staff"], demo["staff2"], 1, 0, -1)
    for rule, fields in form_routes(app):
        path = url_for_rule(app, rule, demo, data.draw)
        if path is None:
            continue
        client = clients(app)[person_for(rule.endpoint, app)]
        form = {"csrf_token": client.token}
        for name, kind in fields.items():
            if data.draw(st.booleans(), label=f"{rule.endpoint} has {name}"):
                value = data.draw(values_for(kind, ids), label=f"{rule.endpoint} {name}")
                form[name.format(**demo)] = value
        assert_no_server_error(lambda: client.raw.post(path, data=form), f"POST {path} {form!r}")


_CLIENTS: dict = {}


def clients(app) -> dict[str, Client]:
    """One signed-in client per demo person, per app (database), with its CSRF token."""
    key = id(app)
    if key not in _CLIENTS:
        _CLIENTS.clear()
        _CLIENTS[key] = {}
        for username in sorted(set(PEOPLE.values())):
            client = signed_in_client(app, username)
            client.token = client.csrf_token("/me")
            _CLIENTS[key][username] = client
    return _CLIENTS[key]
