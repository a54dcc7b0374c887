"""follows, saved searches, digest state and newsletter subscribers

Revision ID: e5_follows
Revises: d4_article_more_info
"""
from alembic import op
import sqlalchemy as sa


revision = "e5_follows"
down_revision = "d4_article_more_info"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_follow_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow")),
        sa.UniqueConstraint("user_id", "kind", "target", name="uq_follow_target"),
    )
    op.create_index(op.f("ix_follow_user_id"), "follow", ["user_id"], unique=False)
    op.create_table(
        "digest_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("sent_until", sa.DateTime(), nullable=False),
        sa.Column("next_due", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("lease_token", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_state")),
        sa.UniqueConstraint("recipient", "frequency", name="uq_digest_recipient"),
    )
    op.create_index(op.f("ix_digest_state_next_due"), "digest_state", ["next_due"], unique=False)
    op.create_table(
        "subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("confirm_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriber")),
        sa.UniqueConstraint("email", name=op.f("uq_subscriber_email")),
    )
    op.create_index(op.f("ix_subscriber_confirm_hash"), "subscriber", ["confirm_hash"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_subscriber_confirm_hash"), table_name="subscriber")
    op.drop_table("subscriber")
    op.drop_index(op.f("ix_digest_state_next_due"), table_name="digest_state")
    op.drop_table("digest_state")
    op.drop_index(op.f("ix_follow_user_id"), table_name="follow")
    op.drop_table("follow")
