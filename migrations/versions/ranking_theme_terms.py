"""theme terms: the words readers use for a theme, so search can treat it as a concept

Revision ID: ranking_theme_terms
Revises: taxonomy_online
Create Date: 2026-12-03 13:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ranking_theme_terms'
down_revision = "pgsearch_documents"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('theme') as batch_op:
        batch_op.add_column(sa.Column('terms', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('theme') as batch_op:
        batch_op.drop_column('terms')
