"""Template helpers: navigation per role, filters for masked and local formats."""

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.auth.access import SIGNED_IN, rule_for
from webapp.auth.models import utcnow
from webapp.customers.models import mask_mobile


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
    NavItem("customers.index", _l("Customers"), "customers"),
    NavItem("prospects.index", _l("Prospects"), "prospects"),
    NavItem("schedule.day", _l("Schedule"), "schedule"),
    NavItem("kits.index", _l("Kit"), "kit"),
    NavItem("home.me", _l("Me"), "me"),
)


def nav_items() -> list[dict]:
    """The navigation entries the signed-in user's role may open."""
    if not current_user.is_authenticated:
        return []
    items = []
    for item in NAV:
        rule = rule_for(item.endpoint)
        if rule == SIGNED_IN or (rule and current_user.role in rule):
            url = url_for(item.endpoint)
            items.append(
                {
                    "url": url,
                    "label": str(item.label),
                    "icon": item.icon,
                    "current": request.path == url
                    or (url != "/" and request.path.startswith(url) and len(url) > 1),
                }
            )
    return items


def current_language() -> str:
    """The interface language as the app names it: "zh_CN" or "en"."""
    return "en" if get_locale().language == "en" else "zh_CN"


def html_lang() -> str:
    """The language tag for <html lang>."""
    return "en" if current_language() == "en" else "zh-CN"


def init_app(app: Flask) -> None:
    """Register the template globals and filters."""
    app.jinja_env.globals.update(
        nav_items=nav_items,
        now_local=utcnow,
        current_language=current_language,
        html_lang=html_lang,
    )
    app.jinja_env.filters["masked"] = mask_mobile
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt)
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": format_datetime(value, fmt)
