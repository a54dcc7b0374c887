"""index change log replaces the index outbox

Every index follows an append-only log by its own cursor instead of draining a shared outbox,
so several app instances (each with its own index) all see every change. Waiting outbox rows
are carried over into the log.

Revision ID: c3_index_change_log
Revises: b2_submission_safety
Create Date: 2026-12-03 08:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3_index_change_log'
down_revision = 'b2_submission_safety'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('index_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('op', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_change')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('index_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_change_created_at'), ['created_at'], unique=False)
    op.execute(
        "INSERT INTO index_change (article_id, op, created_at) "
        "SELECT article_id, 'index', created_at FROM index_outbox ORDER BY id"
    )
    with op.batch_alter_table('index_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_outbox_article_id'))
    op.drop_table('index_outbox')


def downgrade():
    op.create_table('index_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_outbox'))
    )
    with op.batch_alter_table('index_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_outbox_article_id'), ['article_id'], unique=False)
    with op.batch_alter_table('index_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_change_created_at'))
    op.drop_table('index_change')
