"""The migrations own the schema: they build it from empty and match the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from webapp.extensions import db


def test_migrations_build_exactly_the_models_schema(app):
    """After `upgrade` from empty (the app fixture did it), autogenerate finds nothing to add."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_empty_and_upgrade_again(app, db):
    """Every migration can be undone and redone (on SQLite and PostgreSQL)."""
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"branch", "staff", "customer", "customer_view"} <= set(
            inspect(db.engine).get_table_names()
        )
