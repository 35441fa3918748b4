"""A customer with an appointment checking in at the lobby is its own notification kind
(it was sent as "before each appointment", so turning reminders off silenced arrivals too)

Revision ID: 64816f5697c1
Revises: 8c3e5d21a4f0
Create Date: 2026-12-07 15:16:58.160506

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "64816f5697c1"
down_revision = "8c3e5d21a4f0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("push_preference", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("appointment_arrived", sa.Boolean(), server_default="1", nullable=False)
        )



def downgrade():
    with op.batch_alter_table("push_preference", schema=None) as batch_op:
        batch_op.drop_column("appointment_arrived")

