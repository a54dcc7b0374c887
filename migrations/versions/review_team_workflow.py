"""review workflow for a team: assignee, version, editors' comments, submission versions and
attachments the submitter allows and the editor confirms for publication

Revision ID: review_team_workflow
Revises: c3_index_change_log
"""
from alembic import op
import sqlalchemy as sa


revision = "review_team_workflow"
down_revision = "taxonomy_online"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_submission_assignee_id_user"), "user", ["assignee_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_submission_assignee_id"), ["assignee_id"])
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("may_publish", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("confirmed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "submission_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_submission_comment_submission_id_submission"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"],
                                name=op.f("fk_submission_comment_author_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_comment")),
    )
    op.create_index(op.f("ix_submission_comment_submission_id"), "submission_comment",
                    ["submission_id"])
    op.create_table(
        "submission_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_submission_version_submission_id_submission"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"],
                                name=op.f("fk_submission_version_actor_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_version")),
        sa.UniqueConstraint("submission_id", "number", name="uq_submission_version_number"),
    )


def downgrade():
    op.drop_table("submission_version")
    op.drop_index(op.f("ix_submission_comment_submission_id"), table_name="submission_comment")
    op.drop_table("submission_comment")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("confirmed")
        batch_op.drop_column("may_publish")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_assignee_id"))
        batch_op.drop_constraint(batch_op.f("fk_submission_assignee_id_user"), type_="foreignkey")
        batch_op.drop_column("assignee_id")
        batch_op.drop_column("version")
