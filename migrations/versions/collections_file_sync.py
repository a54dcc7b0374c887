"""collection: the checksum of the file it was last loaded from, and when it was edited online

Revision ID: collections_file_sync
Revises: c3_index_change_log
"""
from alembic import op
import sqlalchemy as sa


revision = "collections_file_sync"
down_revision = "review_team_workflow"
branch_labels = None
depends_on = None


def upgrade():
    # Both nullable: a collection made online has no file, and one never edited online no date.
    with op.batch_alter_table("collection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_checksum", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("edited_online_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("collection", schema=None) as batch_op:
        batch_op.drop_column("edited_online_at")
        batch_op.drop_column("file_checksum")
