"""State changes of articles: every change commits the database first, then updates the index.

Each change adds an IndexOutbox row in the same transaction as the article change. After the
commit the outbox is applied to the search index; if the index is locked or broken the rows stay
and are applied by the next run (any later commit, `kb reindex`, or `kb index-pending`). So the
database stays the source of truth and nothing is lost when indexing fails.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from kb.models import Article, ArticleRevision, IndexOutbox, User, db, utcnow

log = logging.getLogger(__name__)


def article_checksum(article: Article) -> str:
    """Return a checksum over the fields a reader sees, to tell real changes from no-ops."""
    return hashlib.sha256(json.dumps(article_state(article), sort_keys=True).encode()).hexdigest()


def article_state(article: Article) -> dict[str, Any]:
    """Return the editable state of an article as plain data (for revisions and checksums)."""
    return {
        "title": article.title,
        "kind": article.kind.slug if article.kind else None,
        "summary": article.summary,
        "body_md": article.body_md,
        "reference_date": article.reference_date,
        "themes": [t.slug for t in article.themes],
        "advice": [a.number for a in article.advice],
        "sectors": [s.slug for s in article.sectors],
        "regions": [r.slug for r in article.regions],
        "status": article.status,
    }


def snapshot_revision(article: Article, author: User | None, note: str = "") -> ArticleRevision:
    """Keep the article's current state as a revision (before it is changed)."""
    revision = ArticleRevision(
        article_id=article.id, author=author, note=note, data=article_state(article)
    )
    db.session.add(revision)
    return revision


def queue_for_index(article: Article) -> None:
    """Mark an article for (re)indexing; the row commits together with the article change."""
    if article.id is None:
        db.session.flush()
    db.session.add(IndexOutbox(article_id=article.id, created_at=utcnow()))


def commit_and_index() -> None:
    """Commit the session, then apply pending index work; an index failure is logged only."""
    db.session.commit()
    apply_index_outbox()


def apply_index_outbox() -> int:
    """Apply pending index work; return how many articles were indexed (0 on failure)."""
    from kb import search  # search depends on models only; imported late to keep layers clear

    try:
        return search.process_outbox()
    except Exception:  # the commit already succeeded: never turn an index error into a 500
        log.exception("Index bijwerken mislukt; de wachtrij blijft staan voor een volgende poging")
        db.session.rollback()
        return 0
