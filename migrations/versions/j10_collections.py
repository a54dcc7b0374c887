"""collections (leeslijsten) and their items

Revision ID: j10_collections
Revises: i9_freshness
"""
from alembic import op
import sqlalchemy as sa


revision = "j10_collections"
down_revision = "i9_freshness"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "collection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("context_kind", sa.String(length=16), nullable=False),
        sa.Column("context_key", sa.String(length=120), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection")),
        sa.UniqueConstraint("slug", name=op.f("uq_collection_slug")),
    )
    op.create_table(
        "collection_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("article_slug", sa.String(length=120), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["collection_id"], ["collection.id"],
                                name=op.f("fk_collection_item_collection_id_collection"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_item")),
        sa.UniqueConstraint("collection_id", "article_slug", name="uq_collection_item_article"),
    )
    op.create_index(op.f("ix_collection_item_collection_id"), "collection_item",
                    ["collection_id"])


def downgrade():
    op.drop_index(op.f("ix_collection_item_collection_id"), table_name="collection_item")
    op.drop_table("collection_item")
    op.drop_table("collection")
