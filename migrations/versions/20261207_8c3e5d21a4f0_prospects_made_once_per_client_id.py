"""prospects and referrals made once per client id (issue 20, item 1: 有意向 → a prospect,
转介给同事 → a referral, offline too)

Revision ID: 8c3e5d21a4f0
Revises: 5728a6b97313
Create Date: 2026-12-07 13:05:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8c3e5d21a4f0"
down_revision = "5728a6b97313"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("prospect", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("client_fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_prospect_client_id"), ["client_id"])
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("client_fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_referral_client_id"), ["client_id"])


def downgrade():
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_referral_client_id"), type_="unique")
        batch_op.drop_column("client_fingerprint")
        batch_op.drop_column("client_id")
    with op.batch_alter_table("prospect", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_prospect_client_id"), type_="unique")
        batch_op.drop_column("client_fingerprint")
        batch_op.drop_column("client_id")
