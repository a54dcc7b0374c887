"""Index health and consistency: is the index usable, and does it match the database?"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select

from kb.models import IndexOutbox, db
from kb.search.documents import document, published_articles
from kb.search.index import (
    check_health,
    current_generation,
    index_root,
    open_generation,
    recover_in_background,
)

log = logging.getLogger(__name__)


def health() -> tuple[bool, str]:
    """Tell whether the index is usable; a broken one is reported and rebuilt in the background
    (a health check must answer quickly, whatever the size of the index)."""
    ok, message = check_health(index_root())
    if ok:
        return True, message
    try:
        started = recover_in_background()
    except Exception as exc:  # report, never raise, from the health check
        log.exception("Index herstellen starten mislukt")
        return False, f"{message}; herstel mislukt: {exc.__class__.__name__}"
    return False, f"{message}; {'herstel gestart' if started else 'herstel loopt'}"


@dataclass
class IndexReport:
    """Differences between the database and the index."""

    healthy: bool
    message: str
    missing: list[str] = field(default_factory=list)  # published, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, not published
    stale: list[str] = field(default_factory=list)  # in the index with an old version
    pending: int = 0  # outbox rows still waiting

    @property
    def clean(self) -> bool:
        """Tell whether database and index agree."""
        return self.healthy and not (self.missing or self.extra or self.stale)


def check_index() -> IndexReport:
    """Compare every published article with its index document."""
    root = index_root()
    healthy, message = check_health(root)
    pending = db.session.scalar(select(func.count(IndexOutbox.id))) or 0
    report = IndexReport(healthy, message, pending=pending)
    if not healthy:
        return report
    ix = open_generation(root, current_generation(root))
    with ix.searcher() as searcher:
        indexed = {f["id"]: (f["slug"], f["version"]) for f in searcher.all_stored_fields()}
    for article in published_articles():
        entry = indexed.pop(str(article.id), None)
        if entry is None:
            report.missing.append(article.slug)
        elif entry[1] != document(article)["version"]:
            report.stale.append(article.slug)
    report.extra = sorted(slug for slug, _ in indexed.values())
    return report
