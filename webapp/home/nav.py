"""The navigation: the pages each role may open, as the side bar, the phone's bottom bar and
the rest of them on the "Me" page. Home owns it as the page every role lands on; which pages a
role may open is auth.access.may_open's answer."""

from dataclasses import dataclass
from functools import lru_cache

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from webapp.auth.access import may_open
from webapp.i18n import current_language


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
    NavItem("imports.index", _l("Import"), "customers"),
    NavItem("audit.index", _l("Audit"), "report"),
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
    return tuple(
        {
            "endpoint": item.endpoint,
            "url": url_for(item.endpoint),
            "label": str(item.label),
            "icon": item.icon,
        }
        for item in NAV
        if may_open(role, item.endpoint)
    )
