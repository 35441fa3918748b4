"""Customer.last_edit_id: an SME sheet edit replayed by the outbox is not a conflict.

Revision ID: 1a3cce245244
Revises: 06bc0102a7dd
Create Date: 2026-11-23 20:34:43.863397

"""

import sqlalchemy as sa
from alembic import op

revision = "1a3cce245244"
down_revision = "06bc0102a7dd"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_edit_id", sa.String(length=36), nullable=True))


def downgrade():
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_column("last_edit_id")
