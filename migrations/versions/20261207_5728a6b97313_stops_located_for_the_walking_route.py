"""stops located for the walking route (issue 20, item 2)

stop.latitude/longitude: planned, or taken from the first visit with a position; the sweep
orders its stops for walking and draws them on a small map from these.

Revision ID: 5728a6b97313
Revises: a38bcfc9449e
Create Date: 2026-12-07 07:16:44.203410

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5728a6b97313"
down_revision = "a38bcfc9449e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table("stop", schema=None) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
