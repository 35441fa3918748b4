"""BranchKit: the sales tool of a bank branch. create_app() builds the application."""

import importlib
import importlib.util
import os
from pathlib import Path

from flask import Flask

from webapp import config as config_module
from webapp import extensions as ext
from webapp.inputs import IdConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type | None = None, **overrides) -> Flask:
    """Build the app: configuration, extensions, blueprints, errors, commands."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("BRANCHKIT_INSTANCE", str(ROOT / "instance")),
    )
    app.config.from_object(config or config_module.Config)
    app.config.update(overrides)
    config_module.finalise(app)

    from webapp import static_files

    static_files.init_app(app)  # WhiteNoise wraps the app before the proxy fix wraps both

    if os.environ.get("BRANCHKIT_BEHIND_PROXY") == "1":
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_extensions(app)
    app.url_map.converters["int"] = IdConverter  # before the blueprints add their rules
    from webapp import cli, errors, inputs, ops, security, templating

    app.extensions["offline_pages"] = []
    _declare(app, templating)
    _declare(app, static_files)
    _load_domains(app)
    _declare(app, cli)
    ops.init_logging(app)
    inputs.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from webapp import i18n, transactions
    from webapp.auth.access import enforce_access
    from webapp.auth.services import load_user
    from webapp.auth.sessions import CookieSessions

    app.session_interface = CookieSessions()
    ext.db.init_app(app)
    transactions.init_app(app)  # after Flask-SQLAlchemy, so its teardown runs before theirs
    ext.migrate.init_app(app, ext.db, directory=str(ROOT / "migrations"), render_as_batch=True)
    # The access rule runs before the CSRF check (each is a before_request hook, run in the
    # order registered): a change sent with no session is answered 401, which the outbox keeps
    # until sign-in, not the CSRF 400 that would discard it. Every signed-in change is still
    # checked for its token. Flask-Login loads the user when the rule first asks for it.
    app.before_request(enforce_access)
    ext.csrf.init_app(app)
    ext.htmx.init_app(app)
    ext.limiter.init_app(app)
    ext.babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "webapp" / "translations"),
    )
    i18n.install_template_gettext(app)  # after Babel's own, which it replaces
    ext.login_manager.init_app(app)
    ext.login_manager.user_loader(load_user)
    ext.login_manager.login_view = "auth.login"
    ext.login_manager.session_protection = "basic"


# One line per domain package: its models are loaded, and its blueprint `bp` (from
# __init__, with views in routes.py) registered when it has one. The order is the layering: a
# domain imports only those listed before it (tests/test_import_direction.py).
DOMAINS = (
    "trail",
    "jobs",
    "auth",
    "sync",
    "customers",
    "sales",
    "lobby",
    "referrals",
    "schedule",
    "appointments",
    "field",
    "prospects",
    "admin",
    "kits",
    "story",
    "imports",
    "audit",
    "figures",
    "coaching",
    "home",
    "push",
)


def _load_domains(app: Flask) -> None:
    for name in DOMAINS:
        package = importlib.import_module(f"webapp.{name}")
        if importlib.util.find_spec(f"webapp.{name}.models"):
            importlib.import_module(f"webapp.{name}.models")
        if hasattr(package, "bp"):
            importlib.import_module(f"webapp.{name}.routes")  # the views attach to package.bp
            app.register_blueprint(package.bp)
        _declare(app, package)


def _declare(app: Flask, module) -> None:
    """Register what a module declares for the whole app, here and nowhere else (a test holds
    it): `template_filters` and `template_globals` (name -> function), `commands` (click
    commands or groups) and `offline_pages`, the pages a phone keeps for offline use (endpoint
    names, shown to the roles that may open them, or functions user -> list of URLs)."""
    app.jinja_env.filters.update(getattr(module, "template_filters", {}))
    app.jinja_env.globals.update(getattr(module, "template_globals", {}))
    for command in getattr(module, "commands", ()):
        app.cli.add_command(command)
    app.extensions["offline_pages"].extend(getattr(module, "offline_pages", ()))
