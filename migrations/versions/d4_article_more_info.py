"""article "Meer weten": external links, organisations, contact, editor's note; source url

Revision ID: d4_article_more_info
Revises: d7da58eb98d1
Create Date: 2026-12-03 08:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4_article_more_info'
down_revision = 'd7da58eb98d1'
branch_labels = None
depends_on = None


def upgrade():
    # Server defaults fill the rows that exist already; the app always writes the columns.
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_links', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('organisations', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('contact', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('editor_note', sa.Text(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('url')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_column('editor_note')
        batch_op.drop_column('contact')
        batch_op.drop_column('organisations')
        batch_op.drop_column('external_links')
