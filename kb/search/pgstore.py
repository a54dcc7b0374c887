"""The PostgreSQL backend's rows: one search document per published article, written in the
article's own transaction.

The tsvector holds exactly the terms the Whoosh index holds (the same `DutchAnalysis` and
filter: compounds whole, in parts and joined across a space, accents folded, Snowball stems),
with the same positions, one weight per field: A title, B labels, C summary, D body. Fields are
placed one after another with a gap, so a phrase never runs from one field into the next. The
facet values are arrays, the field lengths an int array (ranking's BM25F needs them), and the
folded words of the "spell" field feed "Bedoelde u" (their vocabulary in `search_word`).

Nothing here commits: `write()` runs inside the caller's transaction (kb.publishing commits),
so a search document can never disagree with its article after a commit; `rebuild()` replaces
every row in one transaction (readers keep seeing the old rows until it commits).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR, insert

from kb import changes
from kb.models import Article, db
from kb.search.analysis import DutchAnalysis, dutch_analyzer
from kb.search.documents import analysis_from_db, document, published_articles

log = logging.getLogger(__name__)

# Field -> tsvector weight; the order of the `lengths` array.
WEIGHTS = {"title": "A", "labels": "B", "summary": "C", "body": "D"}
FIELDS = tuple(WEIGHTS)
MAX_POSITION = 16383  # PostgreSQL keeps positions up to here (later ones are clamped)
MAX_POSITIONS = 256  # and at most this many positions per lexeme
FIELD_GAP = 2
TAXONOMY = ("kind", "themes", "regions", "advice", "sectors")

# Not in db.metadata: these tables exist on PostgreSQL only (see the migration).
metadata = MetaData()
documents_table = Table(
    "search_document",
    metadata,
    Column("article_id", Integer, primary_key=True),
    Column("slug", String(120), nullable=False),
    Column("version", String(20), nullable=False),
    Column("tsv", TSVECTOR, nullable=False),
    Column("spell", ARRAY(Text), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("theme", ARRAY(Text), nullable=False),
    Column("advice", ARRAY(Text), nullable=False),
    Column("region", ARRAY(Text), nullable=False),
    Column("sector", ARRAY(Text), nullable=False),
    Column("lengths", ARRAY(Integer), nullable=False),
    Column("updated", BigInteger, nullable=False),
    Column("title_sort", Text, nullable=False),
    Column("text", Text, nullable=False),
)
words_table = Table("search_word", metadata, Column("word", Text, primary_key=True))

_analyses: dict[frozenset[str], DutchAnalysis] = {}


def current_analysis() -> DutchAnalysis:
    """Return the analysis of the current taxonomy and synonyms (one object per lexicon, so
    its word caches outlive the change counter)."""
    analysis = changes.cached("pgsearch-analysis", analysis_from_db)
    known = _analyses.get(analysis.words)
    if known is None:
        if len(_analyses) > 8:
            _analyses.clear()
        known = _analyses[analysis.words] = analysis
    return known


def quote(lexeme: str) -> str:
    """Quote a lexeme for a tsvector or tsquery literal."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(analysis: DutchAnalysis, fields: dict[str, str]) -> tuple[str, list[int]]:
    """Return the tsvector literal of the fields and each field's length in terms (as Whoosh
    counts them: every term the analysis yields)."""
    analyzer = dutch_analyzer(analysis)
    positions: dict[str, list[str]] = {}
    lengths = []
    offset = 1
    for name, weight in WEIGHTS.items():
        length, top = 0, -1
        for token in analyzer(fields.get(name) or "", positions=True):
            length += 1
            top = max(top, token.pos)
            entries = positions.setdefault(token.text, [])
            if len(entries) < MAX_POSITIONS:
                entries.append(f"{min(offset + token.pos, MAX_POSITION)}{weight}")
        lengths.append(length)
        offset += top + 1 + FIELD_GAP
    literal = " ".join(f"{quote(term)}:{','.join(pos)}" for term, pos in positions.items())
    return literal, lengths


def row(analysis: DutchAnalysis, article: Article) -> dict[str, Any]:
    """Return the search document row of a published article."""
    doc = document(article)
    tsv, lengths = tsvector_literal(analysis, doc)
    return {
        "article_id": article.id,
        "slug": article.slug,
        "version": doc["version"],
        "tsv": tsv,
        "spell": doc["spell"].split(),
        "kind": doc["kind"],
        "theme": doc["theme"].split(),
        "advice": doc["advice"].split(),
        "region": doc["region"].split(),
        "sector": doc["sector"].split(),
        "lengths": lengths,
        "updated": doc["updated"],
        "title_sort": doc["title_sort"],
        "text": doc["text"],
    }


def _upsert(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    connection = db.session.connection()
    stmt = insert(documents_table).values(rows)
    columns = {
        c.name: stmt.excluded[c.name] for c in documents_table.columns if c.name != "article_id"
    }
    connection.execute(stmt.on_conflict_do_update(index_elements=["article_id"], set_=columns))
    words = sorted({w for r in rows for w in r["spell"]})
    if words:
        # Sorted, so two transactions adding the same new words lock them in the same order.
        connection.execute(
            insert(words_table).values([{"word": w} for w in words]).on_conflict_do_nothing()
        )


def write(ids: Iterable[int]) -> int:
    """Write the search documents of these articles in the current transaction; return how many.

    A published article gets its row (inserted or replaced), any other loses it.
    """
    ids = sorted(set(ids))
    if not ids:
        return 0
    analysis = current_analysis()
    db.session.flush()
    wanted = set(ids)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Article) and obj.id in wanted:
            # Reloaded in database order, as check-index (and every later reader) sees them:
            # the document's version covers the order of themes, regions and the rest.
            db.session.expire(obj, list(TAXONOMY))
    published = {a.id: a for a in published_articles(ids)}
    connection = db.session.connection()
    gone = [i for i in ids if i not in published]
    if gone:
        connection.execute(delete(documents_table).where(documents_table.c.article_id.in_(gone)))
    _upsert([row(analysis, article) for article in published.values()])
    return len(ids)


def rebuild(batch: int = 200) -> int:
    """Replace every search document from the database in the current transaction."""
    analysis = analysis_from_db()
    connection = db.session.connection()
    # One rebuild at a time; publishes meanwhile wait for the rows they update, then apply.
    connection.execute(text("LOCK TABLE search_document IN SHARE ROW EXCLUSIVE MODE"))
    connection.execute(delete(documents_table))
    connection.execute(delete(words_table))
    rows: list[dict[str, Any]] = []
    count = 0
    for article in published_articles():
        rows.append(row(analysis, article))
        count += 1
        if len(rows) >= batch:
            _upsert(rows)
            rows = []
    _upsert(rows)
    connection.execute(text("ANALYZE search_document"))
    return count


def indexed_versions() -> dict[int, tuple[str, str]]:
    """Return article id -> (slug, version) of every search document."""
    stmt = select(documents_table.c.article_id, documents_table.c.slug, documents_table.c.version)
    return {r.article_id: (r.slug, r.version) for r in db.session.execute(stmt)}


def counts() -> tuple[int, int]:
    """Return (search documents, published articles), in one statement."""
    published = (
        select(func.count(Article.id)).where(Article.status == "published").scalar_subquery()
    )
    stmt = select(func.count(literal_column("*")), published).select_from(documents_table)
    found = db.session.execute(stmt).one()
    return int(found[0]), int(found[1])
