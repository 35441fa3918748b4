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


def test_credit_lines_recorded_before_the_index_migration_take_their_sales_date(app, db):
    """Migration 1470df440f03 copies each sale's date and category onto its credit lines."""
    from datetime import datetime

    from sqlalchemy import text

    from tests.factories import make_branch, make_customer, make_staff
    from webapp.auth.models import Role

    branch = make_branch()
    seller = make_staff(Role.RETAIL_AM, branch)
    customer = make_customer(branch)
    with app.app_context():
        downgrade(revision="1a3cce245244")
        sold = datetime(2026, 3, 4, 5, 6)
        db.session.execute(
            text(
                "INSERT INTO sale (id, branch_id, customer_id, seller_id, category, product_name,"
                " amount_fen, sold_at, source, created_at) VALUES (900, :b, :c, :s, 'fund',"
                " '沪深 300', 1000, :t, 'other', :t)"
            ),
            {"b": branch.id, "c": customer.id, "s": seller.id, "t": sold},
        )
        db.session.execute(
            text(
                "INSERT INTO credit_line (id, sale_id, staff_id, role, share_bp, amount_fen,"
                " reason, created_at) VALUES (901, 900, :s, 'seller', 10000, 1000, '', :t)"
            ),
            {"s": seller.id, "t": sold},
        )
        db.session.commit()
        upgrade()
        row = db.session.execute(
            text("SELECT sold_at, category FROM credit_line WHERE id = 901")
        ).one()
        assert (str(row[0])[:16], row[1]) == ("2026-03-04 05:06", "fund")


def test_appointments_made_before_the_call_log_get_the_call_that_fixed_them(app, db):
    """Migration 186f04ab3dd8: an appointment already stored is 'on a call' and gets one call,
    by whoever made it, at the time it was made."""
    from datetime import datetime

    from sqlalchemy import text

    from tests.factories import make_branch, make_customer, make_staff
    from webapp.auth.models import Role

    branch = make_branch()
    caller = make_staff(Role.LOBBY_MANAGER, branch)
    meeter = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch)
    made = datetime(2026, 11, 20, 2, 30)
    with app.app_context():
        downgrade(revision="9b1d2c7e4f10")
        db.session.execute(
            text(
                "INSERT INTO appointment (id, branch_id, created_by_id, staff_id, customer_id,"
                " reason, greeting, value_statement, urgency, option_1, option_2, chosen_option,"
                " starts_at, reconfirmed, place, state, state_note, created_at, updated_at)"
                " VALUES (700, :b, :c, :m, :cu, 'campaign', '', '', '', :t, :t, 1, :t, true, '',"
                " 'held', '', :t, :t)"
            ),
            {"b": branch.id, "c": caller.id, "m": meeter.id, "cu": customer.id, "t": made},
        )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            text("SELECT staff_id, outcome, appointment_id, called_at FROM appointment_call")
        ).all()
        assert [(r[0], r[1], r[2], str(r[3])[:16]) for r in rows] == [
            (caller.id, "appointment", 700, "2026-11-20 02:30")
        ]
        assert db.session.execute(text("SELECT via FROM appointment")).scalar() == "call"


def test_a_card_sold_before_units_becomes_one_card_credited_by_its_value(app, db):
    """Migration 60dfd6980f4b: a card "sold for" 2,000,000 yuan becomes one card with no
    amount, its 80/20 credit lines re-split from the card's value per unit (10,000 yuan); a
    deposit keeps its amount; a card product loses its risk level, a fund keeps its own."""
    from datetime import datetime

    from sqlalchemy import text

    from tests.factories import make_branch, make_customer, make_staff
    from webapp.auth.models import Role

    branch = make_branch()
    seller, referrer = make_staff(Role.RETAIL_AM, branch), make_staff(Role.TELLER, branch)
    customer = make_customer(branch)
    sold = datetime(2026, 10, 4, 5, 6)
    params = {"b": branch.id, "c": customer.id, "s": seller.id, "r": referrer.id, "t": sold}
    with app.app_context():
        downgrade(revision="bc9d73dd5278")
        for sale_id, category, fen in ((910, "card", 2_000_000_00), (920, "deposit", 50_000_00)):
            db.session.execute(
                text(
                    "INSERT INTO sale (id, branch_id, customer_id, seller_id, category,"
                    " product_name, amount_fen, sold_at, source, created_at) VALUES (:id, :b,"
                    " :c, :s, :cat, '产品', :fen, :t, 'other', :t)"
                ),
                params | {"id": sale_id, "cat": category, "fen": fen},
            )
            for line_id, staff, bp in ((sale_id + 1, "r", 8000), (sale_id + 2, "s", 2000)):
                db.session.execute(
                    text(
                        "INSERT INTO credit_line (id, sale_id, staff_id, role, share_bp,"
                        " amount_fen, sold_at, category, reason, created_at) VALUES (:id, :sale,"
                        f" :{staff}, 'seller', :bp, :fen, :t, :cat, '', :t)"
                    ),
                    params
                    | {"id": line_id, "sale": sale_id, "bp": bp, "fen": fen * bp // 10_000}
                    | {"cat": category},
                )
        for product_id, category, risk in ((930, "card", "r1"), (931, "fund", "r4")):
            db.session.execute(
                text(
                    "INSERT INTO product (id, category, name, point_1, point_2, point_3, suits,"
                    " risk_level, key_terms, image_type, featured, updated_at) VALUES (:id, :cat,"
                    " '产品', '好', '', '', '', :risk, '', '', false, :t)"
                ),
                {"id": product_id, "cat": category, "risk": risk, "t": sold},
            )
        db.session.commit()
        upgrade()
        sales = db.session.execute(text("SELECT id, amount_fen, quantity FROM sale ORDER BY id"))
        assert [tuple(row) for row in sales] == [(910, 0, 1), (920, 50_000_00, 1)]
        lines = db.session.execute(text("SELECT id, amount_fen FROM credit_line ORDER BY id"))
        assert [tuple(row) for row in lines] == [
            (911, 8_000_00), (912, 2_000_00), (921, 40_000_00), (922, 10_000_00)
        ]  # fmt: skip
        risks = db.session.execute(text("SELECT id, risk_level FROM product ORDER BY id"))
        assert [tuple(row) for row in risks] == [(930, None), (931, "r4")]
