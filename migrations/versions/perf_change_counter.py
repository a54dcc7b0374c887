"""change counter: one row bumped by every content or taxonomy change (keys per-process caches)

Revision ID: perf_change_counter
Revises: a1_account_sessions
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'perf_change_counter'
down_revision = "a1_account_sessions"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('change_counter',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_counter'))
    )
    op.bulk_insert(table, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('change_counter')
