"""Each role's home page, the health check and the personal settings page.

Other domains add a panel to Today without touching the view: a fragment endpoint of their
own, loaded lazily by one `<section hx-get=... hx-trigger="load">` line in home/today.html.
"""

from flask import Blueprint

bp = Blueprint("home", __name__)

from webapp.home.nav import nav, nav_items  # noqa: E402

# What the app registers for this domain (webapp/__init__.py).
template_globals = {"nav": nav, "nav_items": nav_items}
offline_pages = ("home.today",)
