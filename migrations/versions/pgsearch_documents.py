"""search documents for the PostgreSQL search backend

One row per published article with a tsvector built from the project's own Dutch analysis
(weights A title, B labels, C summary, D body), the facet values as arrays and what ranking and
snippets read; plus the vocabulary for "Bedoelde u". PostgreSQL only: on SQLite (where only the
Whoosh backend runs) this migration does nothing.

Revision ID: pgsearch_documents
Revises: c3_index_change_log
Create Date: 2026-12-03 13:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'pgsearch_documents'
down_revision = "groupmail_state"
branch_labels = None
depends_on = None


def _postgresql():
    return op.get_bind().dialect.name == 'postgresql'


def upgrade():
    if not _postgresql():
        return
    text_array = postgresql.ARRAY(sa.Text())
    op.create_table('search_document',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('tsv', postgresql.TSVECTOR(), nullable=False),
    sa.Column('spell', text_array, nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('theme', text_array, nullable=False),
    sa.Column('advice', text_array, nullable=False),
    sa.Column('region', text_array, nullable=False),
    sa.Column('sector', text_array, nullable=False),
    sa.Column('lengths', postgresql.ARRAY(sa.Integer()), nullable=False),
    sa.Column('updated', sa.BigInteger(), nullable=False),
    sa.Column('title_sort', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'],
                            name=op.f('fk_search_document_article_id_article'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_search_document')),
    )
    op.create_index('ix_search_document_tsv', 'search_document', ['tsv'],
                    postgresql_using='gin')
    op.create_index('ix_search_document_spell', 'search_document', ['spell'],
                    postgresql_using='gin')
    op.create_table('search_word',
    sa.Column('word', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_word')),
    )


def downgrade():
    if not _postgresql():
        return
    op.drop_table('search_word')
    op.drop_index('ix_search_document_spell', table_name='search_document')
    op.drop_index('ix_search_document_tsv', table_name='search_document')
    op.drop_table('search_document')
