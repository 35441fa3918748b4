"""Each role's home page, the health check and the personal settings page.

Other domains add a panel to Today with a `today_panel_html()` of their own, rendered into the
page by the view (never loaded after it: the page would jump, and a phone that keeps Today keeps
its panels with it).
"""

from flask import Blueprint

bp = Blueprint("home", __name__)

from webapp.home.nav import nav, nav_items  # noqa: E402

# What the app registers for this domain (webapp/__init__.py).
template_globals = {"nav": nav, "nav_items": nav_items}
offline_pages = ("home.today",)
