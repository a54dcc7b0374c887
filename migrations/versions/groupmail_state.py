"""group mail: notices owed per post and recipient, fanned-out posts, mention preference

Revision ID: groupmail_state
Revises: groups_tables
Create Date: 2026-12-03 13:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'groupmail_state'
down_revision = 'groups_tables'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('group_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('sent', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('lease_token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['group_post.id'], name=op.f('fk_group_notice_post_id_group_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_group_notice_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_notice')),
    sa.UniqueConstraint('post_id', 'user_id', name='uq_group_notice_user')
    )
    with op.batch_alter_table('group_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_notice_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_notice_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_notice_done_at'), ['done_at'], unique=False)

    op.create_table('group_fanout',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['group_post.id'], name=op.f('fk_group_fanout_post_id_group_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', name=op.f('pk_group_fanout'))
    )

    op.create_table('group_mail_pref',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('mentions', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_group_mail_pref_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_group_mail_pref'))
    )


def downgrade():
    op.drop_table('group_mail_pref')
    op.drop_table('group_fanout')
    with op.batch_alter_table('group_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_notice_done_at'))
        batch_op.drop_index(batch_op.f('ix_group_notice_user_id'))
        batch_op.drop_index(batch_op.f('ix_group_notice_post_id'))
    op.drop_table('group_notice')
