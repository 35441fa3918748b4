"""indexes of new customers and received referrals by period

Chosen with bench/explain.py on the large data set, signed in as a generated full-size branch
(5,000 customers; its account manager owns 455):
- customer (owner_id, created_at): "new customers" per person in a week or month (one-on-one,
  progress table, monthly report) read every customer the people own and kept the period's
  (4,473 rows read for 20 kept, 2.3-2.5 ms); now an index range of the period's. It starts with
  owner_id, so it replaces the single-column index of a person's customers.
- customer (branch_id, created_at): the branch's new customers of the month (progress table,
  monthly report) read the branch's 5,300 customers to keep 21 (1.7 ms).
- referral (receiver_id, created_at): the referrals a person received in a week (one-on-one)
  read their 195 received in two years to keep 3 (0.4 ms).

Revision ID: 6f3567b41e95
Revises: 1470df440f03
Create Date: 2026-12-04 04:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '6f3567b41e95'
down_revision = '1470df440f03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_owner_id'))
        batch_op.create_index('ix_customer_owner_created', ['owner_id', 'created_at'], unique=False)
        batch_op.create_index('ix_customer_branch_created', ['branch_id', 'created_at'], unique=False)

    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('ix_referral_receiver_created', ['receiver_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_receiver_created')

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_branch_created')
        batch_op.drop_index('ix_customer_owner_created')
        batch_op.create_index(batch_op.f('ix_customer_owner_id'), ['owner_id'], unique=False)
