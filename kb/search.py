"""The only module that knows Whoosh: schema, index lifecycle and queries.

First version: a plain index of published articles with the outbox-driven update cycle. The
search issue replaces the analysis, facets, snippets and ranking.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

from kb.models import Article, IndexOutbox, db

log = logging.getLogger(__name__)

SCHEMA = Schema(id=ID(stored=True, unique=True), title=TEXT(stored=False), body=TEXT)


def init_app(app: Flask) -> None:
    """Nothing to set up per app yet; the index is opened lazily."""


def _index_dir() -> Path:
    return Path(current_app.config["INDEX_DIR"])


def _open_or_create() -> whoosh_index.Index:
    directory = _index_dir()
    directory.mkdir(parents=True, exist_ok=True)
    if whoosh_index.exists_in(str(directory)):
        return whoosh_index.open_dir(str(directory))
    return whoosh_index.create_in(str(directory), SCHEMA)


def process_outbox() -> int:
    """Index every article waiting in the outbox, then remove the handled rows."""
    rows = list(db.session.scalars(select(IndexOutbox).order_by(IndexOutbox.id)))
    if not rows:
        return 0
    ix = _open_or_create()
    writer = ix.writer(timeout=current_app.config["INDEX_WRITER_TIMEOUT"])
    ids = sorted({r.article_id for r in rows})
    for article_id in ids:
        article = db.session.get(Article, article_id)
        if article is None or not article.is_published:
            writer.delete_by_term("id", str(article_id))
        else:
            writer.update_document(
                id=str(article.id),
                title=article.title,
                body=f"{article.summary} {article.body_text}",
            )
    writer.commit()
    for row in rows:
        db.session.delete(row)
    db.session.commit()
    return len(ids)


def search_ids(q: str, limit: int = 50) -> list[int]:
    """Return ids of published articles matching q, best first."""
    ix = _open_or_create()
    with ix.searcher() as searcher:
        query = MultifieldParser(["title", "body"], ix.schema).parse(q)
        return [int(hit["id"]) for hit in searcher.search(query, limit=limit)]


def health() -> tuple[bool, str]:
    """Tell whether the index can be opened."""
    try:
        ix = _open_or_create()
        with ix.searcher() as searcher:
            return True, f"{searcher.doc_count()} artikelen in de index"
    except Exception as exc:  # any failure to open means unhealthy
        return False, f"index onbruikbaar: {exc}"
