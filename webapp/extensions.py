"""The Flask extensions, created once and bound to the app in create_app()."""

from flask import request
from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base carrying the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = HTMX()


def remote_address() -> str:
    """The client address (behind a proxy, ProxyFix makes it the real one)."""
    return get_remote_address()


def _client_key() -> str:
    """Key rate limits on the client address and, for sign-in, the username tried."""
    username = (request.form.get("username") or "").strip().lower()
    return f"{get_remote_address()}|{username}"


limiter = Limiter(key_func=_client_key, default_limits=[])


def enum_column(enum_cls: type, length: int = 20):
    """A portable enum column storing the members' values (lowercase words), not names."""
    return db.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


LIKE_ESCAPE = "\\"


def like_literal(term: str) -> str:
    """A typed search term as plain text inside a LIKE pattern: its % and _ match themselves, not
    any text (patterns built with it are compared with escape=LIKE_ESCAPE)."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
