"""Template helpers: navigation per role, filters for masked and local formats."""

from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, render_template, request, url_for
from flask_babel import format_datetime, format_time
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from webapp import numbers
from webapp.auth.access import SIGNED_IN, rule_for
from webapp.customers.models import mask_mobile
from webapp.fragments import language_fragment
from webapp.i18n import current_language
from webapp.timeutil import now_naive


@dataclass(frozen=True)
class NavItem:
    """One entry of the bottom (phone) or side (desktop) navigation."""

    endpoint: str
    label: str
    icon: str


NAV = (
    NavItem("home.dashboard", _l("Branch"), "dashboard"),
    NavItem("home.region", _l("Region"), "dashboard"),
    NavItem("home.today", _l("Today"), "today"),
    NavItem("lobby.board", _l("Lobby"), "lobby"),
    NavItem("prospects.index", _l("Prospects"), "prospects"),
    NavItem("field.index", _l("Field"), "field"),
    NavItem("customers.index", _l("Customers"), "customers"),
    NavItem("referrals.index", _l("Referrals"), "referral"),
    NavItem("schedule.day", _l("Schedule"), "schedule"),
    NavItem("appointments.index", _l("Appointments"), "phone"),
    NavItem("kits.index", _l("Kit"), "kit"),
    NavItem("figures.progress", _l("Progress"), "report"),
    NavItem("figures.region", _l("Roll-up"), "report"),
    NavItem("coaching.commitment", _l("Commitment"), "schedule"),
    NavItem("home.me", _l("Me"), "me"),
)


TAB_BAR_SIZE = 5  # a phone's bottom bar holds five; the rest are listed on the "Me" page


def nav_items(tab: bool = False, rest: bool = False) -> list[dict]:
    """The navigation entries the user's role may open ("Me" last).

    tab=True: the phone's bottom bar (the first four and "Me"); rest=True: the entries that
    did not fit in the bar.
    """
    if not current_user.is_authenticated:
        return []
    items = _allowed_items()
    me = [i for i in items if i["endpoint"] == "home.me"]
    others = [i for i in items if i["endpoint"] != "home.me"]
    if tab:
        return others[: TAB_BAR_SIZE - 1] + me
    if rest:
        return others[TAB_BAR_SIZE - 1 :]
    return others + me


def _allowed_items() -> list[dict]:
    path = request.path
    return [
        {
            **item,
            "current": path == item["url"]
            or (len(item["url"]) > 1 and path.startswith(item["url"])),
        }
        for item in _items_for(current_user.role, current_language())
    ]


def nav(tab: bool = False) -> Markup:
    """The navigation list (side or bottom bar) as HTML, rendered once per role, language and
    current entry: the same markup for every request that shares those."""
    items = nav_items(tab=tab)
    current = tuple(item["url"] for item in items if item["current"])
    return _nav_html(current_user.role, current_language(), tab, current)


@lru_cache(maxsize=512)
def _nav_html(role: str, language: str, tab: bool, current: tuple[str, ...]) -> Markup:
    return Markup(render_template("components/_nav.html", items=nav_items(tab=tab)))  # noqa: S704 - autoescaped template output


@lru_cache(maxsize=64)
def _items_for(role: str, language: str) -> tuple[dict, ...]:
    """The entries a role may open, labelled in one language: the same for every request, so
    worked out once per process (rules and routes are fixed when the app starts)."""
    items = []
    for item in NAV:
        rule = rule_for(item.endpoint)
        if rule == SIGNED_IN or (rule and role in rule):
            items.append(
                {
                    "endpoint": item.endpoint,
                    "url": url_for(item.endpoint),
                    "label": str(item.label),
                    "icon": item.icon,
                }
            )
    return tuple(items)


def select_options(field) -> Markup:
    """A select field's <option>s (the markup of WTForms' widget) written in one pass: a
    person's customer list holds hundreds, and a template loop costs microseconds an option."""
    parts, data, coerce = [], field.data, field.coerce
    for choice in field.choices or ():
        # (value, label) pairs as they are; any other shape as WTForms reads it.
        if type(choice) is tuple and len(choice) == 2:
            value, label = choice
        else:
            option = SelectChoice.from_input(choice)
            value, label = option.value, option.label
        selected = coerce(value) == data
        parts.append(
            f'<option{" selected" if selected else ""} value="{escape(value)}">{escape(label)}</option>'
        )
    return Markup("".join(parts))  # noqa: S704 - every value and label above is escaped


ID_MARKER = 987654321987  # no route's text holds these digits


def id_url(endpoint: str, key: str, ident: int, **fixed) -> str:
    """url_for(endpoint, **{key: ident}, **fixed) for an integer id. A list builds a few URLs
    per row, and werkzeug's build costs microseconds each: the URL is built once per endpoint
    and fixed values with a marker for the id, then each row's id is put in its place."""
    before, after = _id_url_parts(request.script_root, endpoint, key, tuple(sorted(fixed.items())))
    return f"{before}{int(ident)}{after}"


@lru_cache(maxsize=512)
def _id_url_parts(script_root: str, endpoint: str, key: str, fixed: tuple) -> tuple[str, str]:
    before, found, after = url_for(endpoint, **{key: ID_MARKER}, **dict(fixed)).partition(
        str(ID_MARKER)
    )
    if not found:
        raise ValueError(f"{endpoint} does not put {key} in its URL")
    return before, after


@lru_cache(maxsize=256)
def static_url(filename: str) -> str:
    """url_for('static', ...) worked out once per file: the layout asks for the same few URLs
    (icons, styles, scripts) a score of times on every page."""
    return url_for("static", filename=filename)


def html_lang() -> str:
    """The language tag for <html lang>."""
    return "en" if current_language() == "en" else "zh-CN"


def init_app(app: Flask) -> None:
    """Register the template globals and filters."""
    app.jinja_env.globals.update(
        nav_items=nav_items,
        nav=nav,
        select_options=select_options,
        id_url=id_url,
        language_fragment=language_fragment,
        static_url=static_url,
        now_local=now_naive,
        current_language=current_language,
        html_lang=html_lang,
    )
    app.jinja_env.filters["masked"] = mask_mobile
    app.jinja_env.filters["date"] = numbers.day
    app.jinja_env.filters["number"] = numbers.count  # Babel's grouping, without Babel per call
    # Money is stored in fen: "fen" and "yuan" write it with the currency, "yuan0" as whole
    # yuan for dense tables; "figure" is a count or "—" when its records are not available.
    app.jinja_env.filters["fen"] = numbers.fen_as_yuan
    app.jinja_env.filters["yuan"] = numbers.fen_as_yuan
    app.jinja_env.filters["yuan0"] = numbers.whole_yuan
    app.jinja_env.filters["figure"] = numbers.count
    app.jinja_env.filters["in_unit"] = numbers.in_unit
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": format_datetime(value, fmt)
    app.jinja_env.filters["time"] = lambda value, fmt="short": format_time(value, fmt)
