"""taxonomy online: retired flags, slug redirects and the taxonomy change history

Revision ID: taxonomy_online
Revises: c3_index_change_log
"""
from alembic import op
import sqlalchemy as sa


revision = "taxonomy_online"
down_revision = "c3_index_change_log"
branch_labels = None
depends_on = None

RETIRABLE = ("theme", "sector", "region")


def upgrade():
    for table in RETIRABLE:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("retired", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    op.create_table(
        "slug_redirect",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("old_slug", sa.String(length=64), nullable=False),
        sa.Column("new_slug", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slug_redirect")),
        sa.UniqueConstraint("kind", "old_slug", name="uq_slug_redirect_old"),
    )
    op.create_table(
        "taxonomy_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undo_of_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_taxonomy_change_user_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["undo_of_id"], ["taxonomy_change.id"],
                                name=op.f("fk_taxonomy_change_undo_of_id_taxonomy_change")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_change")),
    )
    op.create_index(op.f("ix_taxonomy_change_created_at"), "taxonomy_change", ["created_at"])


def downgrade():
    op.drop_index(op.f("ix_taxonomy_change_created_at"), table_name="taxonomy_change")
    op.drop_table("taxonomy_change")
    op.drop_table("slug_redirect")
    for table in RETIRABLE:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("retired")
