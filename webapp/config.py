"""Configuration read from the environment, with safe defaults for the embedded demo."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit


def _number(name: str, default: float) -> float:
    """A number from the environment, or the default."""
    return float(os.environ.get(name, default))


def _instance_secret(instance_path: str) -> str:
    """Return the secret key kept in the instance folder, creating it on first start."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Settings for a real deployment; every value can come from the environment."""

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    # Sessions (webapp/auth/sessions.py). A session unused for SESSION_IDLE_TIMEOUT ends, and
    # any session ends SESSION_MAX_AGE after its sign-in, whatever happens in between.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=_number("BRANCHKIT_SESSION_IDLE_MINUTES", 30))
    SESSION_MAX_AGE = timedelta(hours=_number("BRANCHKIT_SESSION_MAX_HOURS", 12))
    # "Keep me signed in on this device": the cookie outlives the browser, with these limits.
    REMEMBERED_IDLE_TIMEOUT = timedelta(hours=_number("BRANCHKIT_REMEMBERED_IDLE_HOURS", 72))
    REMEMBERED_MAX_AGE = timedelta(days=_number("BRANCHKIT_REMEMBERED_MAX_DAYS", 14))
    # (PERMANENT_SESSION_LIFETIME, the age at which Flask refuses a cookie's signature and the
    # browser drops it, is set by finalise() to the longer idle timeout.)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Passwords (webapp/auth/passwords.py): at least this long, never containing the username,
    # and at least this zxcvbn score (0-4; 3 = "safely unguessable").
    PASSWORD_MIN_LENGTH = int(_number("BRANCHKIT_PASSWORD_MIN_LENGTH", 10))
    PASSWORD_MIN_SCORE = int(_number("BRANCHKIT_PASSWORD_MIN_SCORE", 3))
    # Sign-in throttle (webapp/auth/throttle.py), counted in the database so every worker and
    # host sees the same failures: per username and address, and (looser) per username from
    # anywhere. Never per address alone: a whole branch signs in from behind one address.
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5 per 5 minutes")
    LOGIN_USERNAME_FAILURE_LIMIT = os.environ.get(
        "LOGIN_USERNAME_FAILURE_LIMIT", "20 per 15 minutes"
    )
    # The administrator's list of failures shows this many days (older rows are deleted).
    LOGIN_FAILURE_KEEP_DAYS = int(_number("BRANCHKIT_LOGIN_FAILURE_KEEP_DAYS", 30))
    WTF_CSRF_TIME_LIMIT = 3600
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("BRANCHKIT_TIMEZONE", "Asia/Shanghai")
    LANGUAGES = ("zh_CN", "en")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    PREFERRED_URL_SCHEME = "https" if SESSION_COOKIE_SECURE else "http"
    # The largest request body: an outbox batch of 25 SME sheets typed to every field's limit
    # in Chinese is about 1.9 MB (9 bytes a character, percent-encoded); a larger body is a 413
    # before it is read. The kit administrator's product form takes phone photos: its own
    # limit, so an image too large gets the form's message rather than a 413.
    MAX_CONTENT_LENGTH = int(os.environ.get("BRANCHKIT_MAX_REQUEST_BYTES", 4 * 1024 * 1024))
    # An import file of tens of thousands of rows (webapp/imports).
    IMPORT_MAX_CONTENT_LENGTH = int(
        os.environ.get("BRANCHKIT_MAX_IMPORT_REQUEST_BYTES", 16 * 1024 * 1024)
    )
    KIT_MAX_CONTENT_LENGTH = int(
        os.environ.get("BRANCHKIT_MAX_KIT_REQUEST_BYTES", 16 * 1024 * 1024)
    )
    # The bank's own map tile server, if it has one: the address of a tile with {z}, {x} and
    # {y} (Web Mercator, 256-pixel tiles), on the bank's intranet (the README shows one); None
    # by default: nothing is fetched from outside the app.
    # A sweep's map is drawn from the stops' coordinates alone; with this, over the tiles. Its
    # origin joins the pages' img-src (webapp/security.py). The attribution, if the tiles ask
    # for one, is shown under the map.
    MAP_TILES = os.environ.get("BRANCHKIT_MAP_TILES") or None
    MAP_TILES_MAX_ZOOM = int(_number("BRANCHKIT_MAP_TILES_MAX_ZOOM", 19))
    MAP_TILES_ATTRIBUTION = os.environ.get("BRANCHKIT_MAP_TILES_ATTRIBUTION", "")


class TestConfig(Config):
    """Settings for the test suite: a throwaway database, no secret on disk."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - tests only
    RATELIMIT_STORAGE_URI = "memory://"


def finalise(app) -> None:
    """Fill in the values that depend on the instance folder."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "branchkit.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        fix_connection_zone(app.config)
    if app.config.get("MAP_TILES"):
        tile_origin(app.config["MAP_TILES"])  # a wrong address stops the start, saying why
    app.config["PERMANENT_SESSION_LIFETIME"] = max(
        app.config["SESSION_IDLE_TIMEOUT"], app.config["REMEMBERED_IDLE_TIMEOUT"]
    )


def tile_origin(template: str) -> str:
    """The origin of a tile server's address template; ValueError if it is not an http(s)
    address with {z}, {x} and {y} in it."""
    parts = urlsplit(template)
    missing = [name for name in ("{z}", "{x}", "{y}") if name not in template]
    if parts.scheme not in ("http", "https") or not parts.netloc or missing:
        raise ValueError(
            f"BRANCHKIT_MAP_TILES must be an http(s) address with {{z}}, {{x}} and {{y}}: {template!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


def fix_connection_zone(config) -> None:
    """PostgreSQL connections run in UTC whatever the server's own TimeZone (a Shanghai bank
    sets Asia/Shanghai): stored times are naive UTC, and a server-side now() or a conversion
    of an aware value must agree with them. Set at connection start, so it costs no statement."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args["options"] = f"{connect_args.get('options', '')} -c timezone=UTC".strip()
    options["connect_args"] = connect_args
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options
