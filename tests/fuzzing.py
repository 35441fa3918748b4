"""What the fuzz (tests/test_fuzz.py) sends, and where: strategies for hostile text, the routes
and fields found from the URL map, the views' source and the WTForms classes, signed-in clients.
"""

import inspect
import re
import sys
from datetime import date

from flask_wtf import FlaskForm
from hypothesis import strategies as st
from sqlalchemy import select
from wtforms import fields as wtf

from tests.conftest import Client
from webapp.auth.access import PUBLIC, SIGNED_IN, rule_for
from webapp.auth.models import Role
from webapp.demo import DEMO_PASSWORD
from webapp.extensions import db, limiter
from webapp.figures.models import TARGET_METRICS

# Query parameters holding a day (YYYY-MM-DD; a week is given by any of its days) or a month.
DATE_PARAMS = {"day": "day", "date": "day", "start": "day", "week": "day", "month": "month"}
READS_PARAM = re.compile(r'(?:request\.(?:args|values)\.get|day_arg)\(\s*"(\w+)"')
# Not posted as a form: sign-in and language (public, throttled), sign-out, JSON bodies.
NOT_FORMS = {"auth.login", "auth.language", "auth.logout", "sync.batch", "push.subscribe"}
# Forms parsed by hand rather than by WTForms: their fields and the kind of value each takes.
HAND_PARSED = {
    "referrals.allocate": {"share_{staff}": "number", "share_{staff2}": "number", "reason": "text"},
    "figures.targets": {
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
        if inspect.isfunction(obj)
        and obj.__module__ == module.__name__
        and re.search(rf"(?<![\w.]){name}\(", source)  # a call, not "local_today(" for day
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
