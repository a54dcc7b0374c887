"""article freshness: reviewed_at and the last review reminder

Revision ID: i9_freshness
Revises: h8_calls
"""
from alembic import op
import sqlalchemy as sa


revision = "i9_freshness"
down_revision = "h8_calls"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("review_reminded_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("article") as batch:
        batch.drop_column("review_reminded_at")
        batch.drop_column("reviewed_at")
