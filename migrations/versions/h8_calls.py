"""calls for examples (oproepen), and the call a submission answers

Revision ID: h8_calls
Revises: g7_search_analytics
"""
from alembic import op
import sqlalchemy as sa


revision = "h8_calls"
down_revision = "g7_search_analytics"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text_md", sa.Text(), nullable=False),
        sa.Column("text_html", sa.Text(), nullable=False),
        sa.Column("advice_number", sa.Integer(), nullable=True),
        sa.Column("theme_slug", sa.String(length=64), nullable=True),
        sa.Column("region_slug", sa.String(length=64), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("from_query", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["advice_number"], ["advice.number"],
                                name=op.f("fk_call_advice_number_advice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call")),
    )
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("call_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_submission_call_id"), ["call_id"])
        batch.create_foreign_key(batch.f("fk_submission_call_id_call"), "call", ["call_id"], ["id"])


def downgrade():
    with op.batch_alter_table("submission") as batch:
        batch.drop_constraint(batch.f("fk_submission_call_id_call"), type_="foreignkey")
        batch.drop_index(batch.f("ix_submission_call_id"))
        batch.drop_column("call_id")
    op.drop_table("call")
