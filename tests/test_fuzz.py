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
# Forms parsed by hand rather than by WTForms: their fields and the kind of value each takes.
HAND_PARSED = {
    "referrals.allocate": {"share_{staff}": "number", "share_{staff2}": "number", "reason": "text"},
    "coaching.targets": {
        f"t-{key}-{metric}": "number" for key in ("branch", "{staff}") for metric in TARGET_METRICS
    },
    "coaching.huddle": {"note-{staff}": "text"},
    "prospects.stage": {"stage": "text"},
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
# Who signs in for a rule: the first of these it allows (the owner of a record a URL names).
PEOPLE = (
    ("manager", Role.BRANCH_MANAGER),
    ("retail1", Role.RETAIL_AM),
    ("wealth1", Role.WEALTH_MANAGER),
    ("credit1", Role.CREDIT_AM),
    ("corporate1", Role.CORPORATE_AM),
    ("lobby1", Role.LOBBY_MANAGER),
    ("teller1", Role.TELLER),
    ("admin", Role.ADMIN),
)
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


def people_for(endpoint: str, app) -> list[str]:
    """The demo sign-ins that may open an endpoint, the branch manager first."""
    with app.test_request_context():
        rule = rule_for(endpoint)
    if rule in (PUBLIC, SIGNED_IN):
        return [name for name, _ in PEOPLE]
    return [name for name, role in PEOPLE if role in rule]


def some_record(app, name: str, demo, people: list[str]) -> tuple[int, str | None] | None:
    """A record a URL variable names (`<int:referral_id>`) in the demo branch, and its owner
    among `people` when the record belongs to one (only its owner may change a visit)."""
    if name == "staff":
        return demo["staff"], None
    table = db.metadata.tables.get(ID_TABLES.get(name, name))
    if table is None:
        return None
    query = select(table.c.id).order_by(table.c.id).limit(1)
    if "branch_id" in table.c:
        query = query.where(table.c.branch_id == demo["branch"])
    with app.app_context():
        if "staff_id" in table.c:
            staff = db.metadata.tables["staff"]
            owned = db.session.execute(
                query.add_columns(staff.c.username)
                .join(staff, staff.c.id == table.c.staff_id)
                .where(staff.c.username.in_(people))
            ).first()
            if owned:
                return owned[0], owned[1]
        found = db.session.scalar(query)
    return (found, None) if found else None


def target(app, rule, demo, draw=None) -> tuple[str, str] | None:
    """The rule's URL with its variables filled from the demo, and who opens it (None when a
    variable cannot be filled)."""
    path, people = rule.rule, people_for(rule.endpoint, app)
    person = people[0]
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", path):
        value = None
        if converter == "int":
            record = some_record(app, name.removesuffix("_id"), demo, people)
            if record:
                value, person = record[0], record[1] or person
        elif name == "kind":
            value = draw(st.sampled_from(KINDS)) if draw else KINDS[0]
        elif name == "action" and rule.endpoint in ACTIONS:
            value = draw(st.sampled_from(ACTIONS[rule.endpoint])) if draw else None
        if value is None:
            return None
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path, count=1)
    return path, person


def view_of(app, endpoint: str):
    return app.view_functions[endpoint]


def query_param_routes(app, dates: bool = True) -> list[tuple]:
    """(rule, {param: kind}) for each GET route whose view (or a helper of its module) reads
    query parameters: the day, week and month ones ("day", "month"), or all the others
    ("any") when `dates` is false."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        view = view_of(app, rule.endpoint)
        names = set(READS_PARAM.findall(view_source(view, sys.modules[view.__module__])))
        if dates:
            params = {n: DATE_PARAMS[n] for n in names if n in DATE_PARAMS}
        else:
            params = dict.fromkeys(sorted(names - set(DATE_PARAMS)), "any")
        if params:
            found.append((rule, params))
    return sorted(found, key=lambda item: item[0].rule)


def date_param_routes(app) -> list[tuple]:
    """(rule, {param: "day" or "month"}) for each GET route whose view reads one."""
    return query_param_routes(app, dates=True)


def form_routes(app) -> list[tuple]:
    """(rule, {field name: kind}) for each POST route that is a form a person fills in."""
    found = []
    with app.test_request_context():
        rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
        for rule in sorted(rules, key=lambda r: r.rule):
            if rule.endpoint in NOT_FORMS or rule_for(rule.endpoint) == PUBLIC:
                continue
            view = view_of(app, rule.endpoint)
            module = sys.modules[view.__module__]
            source = view_source(view, module)
            fields = {}
            for name, obj in vars(module).items():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, FlaskForm)
                    and re.search(rf"\b{name}\b", source)
                ):
                    fields.update(form_fields(obj))
            fields.update(HAND_PARSED.get(rule.endpoint, {}))
            found.append((rule, fields))
    return found


def view_source(view, module) -> str:
    """The view's source and that of the module's functions it calls (`_call_form()`)."""
    source = inspect.getsource(view)
    helpers = [
        obj
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and f"{name}(" in source
    ]
    return "\n".join([source, *(inspect.getsource(h) for h in helpers if h is not view)])


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


_CLIENTS: dict = {}


def clients(app) -> dict[str, Client]:
    """One signed-in client per demo person, per app (database), with its CSRF token."""
    key = id(app)
    if key not in _CLIENTS:
        _CLIENTS.clear()
        _CLIENTS[key] = {}
        for username, _ in PEOPLE:
            client = signed_in_client(app, username)
            client.token = client.csrf_token("/me")
            _CLIENTS[key][username] = client
    return _CLIENTS[key]
