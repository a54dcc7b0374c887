"""submission idempotency key: one stored submission per sent form

Revision ID: b2_submission_safety
Revises: perf_change_counter
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2_submission_safety'
down_revision = 'perf_change_counter'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_submission_idempotency_key'), ['idempotency_key'], unique=True
        )


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_idempotency_key'))
        batch_op.drop_column('idempotency_key')
