"""referral criteria for every branch; the audit of customer source corrections

customer_source_change: the owner's or the manager's correction of how the branch won a customer
(webapp/customers/routes_source.py).

A branch's referral criteria (and, with them, its credit split policy) used to be created the
first time a page read them; now they are created with the branch. This gives every existing
branch without criteria the seed's defaults, and a branch without split phases the default
three phases from today (at the branches' time, Asia/Shanghai unless BRANCHKIT_TIMEZONE), as
the first read would have.

Revision ID: bc9d73dd5278
Revises: d070548191e7
Create Date: 2026-12-07 04:26:00

"""
import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bc9d73dd5278'
down_revision = 'd070548191e7'
branch_labels = None
depends_on = None

branch = sa.table('branch', sa.column('id', sa.Integer))
criteria = sa.table(
    'referral_criteria',
    sa.column('branch_id', sa.Integer),
    sa.column('large_transaction_on', sa.Boolean),
    sa.column('large_transaction_fen', sa.BigInteger),
    sa.column('featured_interest_on', sa.Boolean),
    sa.column('account_flow_on', sa.Boolean),
    sa.column('account_flow_fen', sa.BigInteger),
    sa.column('simple_products', sa.String),
    sa.column('accept_minutes', sa.Integer),
    sa.column('updated_at', sa.DateTime),
)
phase = sa.table(
    'split_phase',
    sa.column('branch_id', sa.Integer),
    sa.column('name', sa.String),
    sa.column('starts_on', sa.Date),
    sa.column('ends_on', sa.Date),
    sa.column('referrer_bp', sa.Integer),
    sa.column('created_at', sa.DateTime),
)


def _add_months(day: date, months: int) -> date:
    """The same day-of-month some months later, clamped to the month's end (criteria.add_months)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError('unreachable')


def upgrade():
    op.create_table('customer_source_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('from_source', sa.Enum('lobby', 'referral', 'appointment', 'market_running', 'existing', name='acquisition', native_enum=False, length=20), nullable=False),
        sa.Column('to_source', sa.Enum('lobby', 'referral', 'appointment', 'market_running', 'existing', name='acquisition', native_enum=False, length=20), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_customer_source_change_branch_id_branch')),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_source_change_customer_id_customer')),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_customer_source_change_staff_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_source_change'))
    )
    with op.batch_alter_table('customer_source_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_source_change_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_source_change_customer_id'), ['customer_id'], unique=False)
    _criteria_for_every_branch()


def _criteria_for_every_branch():
    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    zone = ZoneInfo(os.environ.get('BRANCHKIT_TIMEZONE', 'Asia/Shanghai'))
    today = now.replace(tzinfo=UTC).astimezone(zone).date()
    with_criteria = select_ids(connection, criteria)
    with_phases = select_ids(connection, phase)
    missing = [b for b in connection.execute(sa.select(branch.c.id)).scalars() if b not in with_criteria]
    if not missing:
        return
    op.bulk_insert(criteria, [
        dict(branch_id=b, large_transaction_on=True, large_transaction_fen=50_000_00,
             featured_interest_on=True, account_flow_on=True, account_flow_fen=100_000_00,
             simple_products='网上银行、手机银行、短信通知', accept_minutes=10, updated_at=now)
        for b in missing
    ])
    second, third = _add_months(today, 3), _add_months(today, 6)
    phases = (('第一阶段', today, second - timedelta(days=1), 8000),
              ('第二阶段', second, third - timedelta(days=1), 6000),
              ('第三阶段', third, None, 5000))
    rows = [dict(branch_id=b, name=name, starts_on=starts, ends_on=ends, referrer_bp=bp, created_at=now)
            for b in missing if b not in with_phases for name, starts, ends, bp in phases]
    if rows:
        op.bulk_insert(phase, rows)


def select_ids(connection, table) -> set[int]:
    """The branches that already have a row in the table."""
    return set(connection.execute(sa.select(table.c.branch_id).distinct()).scalars())


def downgrade():
    # The criteria rows are ordinary data from here on (a manager may have changed them): they stay.
    with op.batch_alter_table('customer_source_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_source_change_customer_id'))
        batch_op.drop_index(batch_op.f('ix_customer_source_change_branch_id'))
    op.drop_table('customer_source_change')
