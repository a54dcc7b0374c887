"""search analytics: normalised and corrected query, search key, result clicks

Revision ID: g7_search_analytics
Revises: f6_news_agenda
"""
from alembic import op
import sqlalchemy as sa


revision = "g7_search_analytics"
down_revision = "f6_news_agenda"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("search_log") as batch:
        batch.add_column(sa.Column("normalised", sa.String(length=500), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("corrected", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("search_key", sa.String(length=32), nullable=True))
        batch.create_index(batch.f("ix_search_log_normalised"), ["normalised"])
        batch.create_index(batch.f("ix_search_log_search_key"), ["search_key"])
        batch.create_index("ix_search_log_zero", ["result_count", "created_at"])
    op.create_table(
        "search_click",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("search_key", sa.String(length=32), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_click")),
    )
    op.create_index(op.f("ix_search_click_search_key"), "search_click", ["search_key"])
    op.create_index(op.f("ix_search_click_created_at"), "search_click", ["created_at"])


def downgrade():
    op.drop_index(op.f("ix_search_click_created_at"), table_name="search_click")
    op.drop_index(op.f("ix_search_click_search_key"), table_name="search_click")
    op.drop_table("search_click")
    with op.batch_alter_table("search_log") as batch:
        batch.drop_index("ix_search_log_zero")
        batch.drop_index(batch.f("ix_search_log_search_key"))
        batch.drop_index(batch.f("ix_search_log_normalised"))
        batch.drop_column("search_key")
        batch.drop_column("corrected")
        batch.drop_column("normalised")
