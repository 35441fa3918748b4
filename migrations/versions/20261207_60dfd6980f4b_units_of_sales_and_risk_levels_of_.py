"""units of sales and risk levels of wealth products only

A sale of a counted category (cards, e-banking sign-ups, settlement accounts) records how many
were opened, not an amount: each existing one was one account or card, its made-up amount goes,
and its credit lines are re-split from the category's credit value per unit (the same shares).
Risk levels stay on investment products only.

Revision ID: 60dfd6980f4b
Revises: 5303f808e611
Create Date: 2026-12-07 06:32:42.191537

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "60dfd6980f4b"
down_revision = "5303f808e611"
branch_labels = None
depends_on = None

# Frozen copies of webapp/sales/models.py at this revision (a migration never imports the app).
PER_UNIT_FEN = {"corporate_settlement": 50_000_00, "e_banking": 5_000_00, "card": 10_000_00}
RISK_RATED = ("wealth_management", "fund", "insurance")

sale = sa.table(
    "sale",
    sa.column("id", sa.Integer),
    sa.column("category", sa.String),
    sa.column("amount_fen", sa.BigInteger),
    sa.column("quantity", sa.Integer),
)
line = sa.table(
    "credit_line",
    sa.column("id", sa.Integer),
    sa.column("sale_id", sa.Integer),
    sa.column("share_bp", sa.Integer),
    sa.column("amount_fen", sa.BigInteger),
)
referral = sa.table(
    "referral", sa.column("won_category", sa.String), sa.column("won_amount_fen", sa.BigInteger)
)
product = sa.table("product", sa.column("category", sa.String), sa.column("risk_level", sa.String))


def _split(value, shares):
    # webapp.sales.services.split_amount: floor each part, leftover fen to largest remainders.
    raw = [value * share for share in shares]
    parts = [r // 10_000 for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] % 10_000), i))
    for i in order[: value - sum(parts)]:
        parts[i] += 1
    return parts


def upgrade():
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.alter_column("risk_level", existing_type=sa.VARCHAR(length=4), nullable=True)

    with op.batch_alter_table("sale", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quantity", sa.Integer(), server_default="1", nullable=False))

    bind = op.get_bind()
    counted = list(PER_UNIT_FEN)
    bind.execute(
        product.update().where(product.c.category.not_in(RISK_RATED)).values(risk_level=None)
    )
    bind.execute(
        referral.update().where(referral.c.won_category.in_(counted)).values(won_amount_fen=0)
    )
    sales = bind.execute(
        sa.select(sale.c.id, sale.c.category).where(sale.c.category.in_(counted))
    ).all()
    by_sale = {}
    for line_id, sale_id, share in bind.execute(
        sa.select(line.c.id, line.c.sale_id, line.c.share_bp)
        .where(line.c.sale_id.in_(sa.select(sale.c.id).where(sale.c.category.in_(counted))))
        .order_by(line.c.id)
    ):
        by_sale.setdefault(sale_id, []).append((line_id, share))
    for sale_id, category in sales:
        lines = by_sale.get(sale_id, [])
        if sum(share for _, share in lines) == 10_000:
            parts = _split(PER_UNIT_FEN[category], [share for _, share in lines])
            for (line_id, _), part in zip(lines, parts):
                bind.execute(line.update().where(line.c.id == line_id).values(amount_fen=part))
    bind.execute(sale.update().where(sale.c.category.in_(counted)).values(amount_fen=0, quantity=1))


def downgrade():
    # The made-up amounts of counted sales are not restored: their credit lines keep the value
    # per unit, which the older code reads as an amount.
    op.get_bind().execute(
        product.update().where(product.c.risk_level.is_(None)).values(risk_level="r1")
    )
    with op.batch_alter_table("sale", schema=None) as batch_op:
        batch_op.drop_column("quantity")

    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.alter_column("risk_level", existing_type=sa.VARCHAR(length=4), nullable=False)
