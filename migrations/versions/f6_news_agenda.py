"""news items, events (bijeenkomsten) and sign-ups

Revision ID: f6_news_agenda
Revises: e5_follows
"""
from alembic import op
import sqlalchemy as sa


revision = "f6_news_agenda"
down_revision = "e5_follows"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "news_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body_md", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("article_slug", sa.String(length=120), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_item")),
    )
    op.create_index(op.f("ix_news_item_published_on"), "news_item", ["published_on"])
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description_md", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("cop_slug", sa.String(length=120), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("signup_closes_at", sa.DateTime(), nullable=True),
        sa.Column("signup_count", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_index(op.f("ix_event_starts_at"), "event", ["starts_at"])
    op.create_index(op.f("ix_event_cop_slug"), "event", ["cop_slug"])
    op.create_table(
        "event_signup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"],
                                name=op.f("fk_event_signup_event_id_event"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_signup")),
        sa.UniqueConstraint("event_id", "email", name="uq_event_signup_email"),
    )
    op.create_index(op.f("ix_event_signup_event_id"), "event_signup", ["event_id"])


def downgrade():
    op.drop_index(op.f("ix_event_signup_event_id"), table_name="event_signup")
    op.drop_table("event_signup")
    op.drop_index(op.f("ix_event_cop_slug"), table_name="event")
    op.drop_index(op.f("ix_event_starts_at"), table_name="event")
    op.drop_table("event")
    op.drop_index(op.f("ix_news_item_published_on"), table_name="news_item")
    op.drop_table("news_item")
