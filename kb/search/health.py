"""Index health and consistency: is the index usable, current, and does it match the database?"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app

from kb.search import changes
from kb.search.documents import document, published_articles
from kb.search.index import catch_up, current_generation, index_root, recover_in_background
from kb.search.storage import open_generation
from kb.search.verify import check_health

log = logging.getLogger(__name__)


def health() -> tuple[bool, str]:
    """Tell whether the index is usable and keeps up with the database's change log.

    A broken index is reported and rebuilt in the background (a health check must answer
    quickly, whatever the size of the index). A lagging one is first caught up (without waiting
    for the write lock); it is unhealthy when a logged change still waits longer than
    INDEX_LAG_MAX_SECONDS, or when it lags behind the pruned log (then it is rebuilt).
    """
    ok, message = check_health(index_root())
    if not ok:
        try:
            started = recover_in_background()
        except Exception as exc:  # report, never raise, from the health check
            log.exception("Index herstellen starten mislukt")
            return False, f"{message}; herstel mislukt: {exc.__class__.__name__}"
        return False, f"{message}; {'herstel gestart' if started else 'herstel loopt'}"
    try:
        return _lag_health(message)
    except Exception as exc:  # the database check reports a broken database
        log.warning("Achterstand van de index niet te bepalen", exc_info=True)
        return False, f"achterstand onbekend: {exc.__class__.__name__}"


def _lag_health(message: str) -> tuple[bool, str]:
    catch_up()
    root = index_root()
    cursor = changes.read_cursor(root / (current_generation(root) or ""))
    low, head = changes.bounds()
    if changes.lost(cursor, low):
        recover_in_background()
        return False, "index loopt achter op opgeschoonde wijzigingen; herbouw gestart"
    age = changes.oldest_pending_age(cursor) if cursor.behind(head) else None
    if age is not None and age > float(current_app.config["INDEX_LAG_MAX_SECONDS"]):
        waiting = len(changes.pending(cursor))
        return False, f"index loopt achter: {waiting} wijziging(en), oudste {age:.0f} s"
    return True, message


@dataclass
class IndexReport:
    """Differences between the database and the index."""

    healthy: bool
    message: str
    missing: list[str] = field(default_factory=list)  # published, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, not published
    stale: list[str] = field(default_factory=list)  # in the index with an old version
    pending: int = 0  # logged changes this index has not applied yet
    position: int = 0  # the index's cursor in the change log
    head: int = 0  # the newest change in the log

    @property
    def clean(self) -> bool:
        """Tell whether database and index agree."""
        return self.healthy and not (self.missing or self.extra or self.stale)


def check_index() -> IndexReport:
    """Compare every published article with its index document; report, never raise."""
    root = index_root()
    healthy, message = check_health(root)
    report = IndexReport(healthy, message)
    try:
        cursor = changes.read_cursor(root / (current_generation(root) or ""))
        _low, head = changes.bounds()
        report.position, report.head = cursor.position, head or 0
        report.pending = len(changes.pending(cursor))
    except Exception as exc:  # report the database trouble instead of crashing
        report.healthy = False
        report.message = f"{message}; wijzigingslog onleesbaar: {exc.__class__.__name__}"
        return report
    if not healthy:
        return report
    try:
        ix = open_generation(root, current_generation(root))
        with ix.searcher() as searcher:
            indexed = {f["id"]: (f["slug"], f["version"]) for f in searcher.all_stored_fields()}
    except Exception as exc:  # damage the health sample did not reach
        report.healthy = False
        report.message = f"index beschadigd: {exc.__class__.__name__}: {exc}"[:300]
        return report
    for article in published_articles():
        entry = indexed.pop(str(article.id), None)
        if entry is None:
            report.missing.append(article.slug)
        elif entry[1] != document(article)["version"]:
            report.stale.append(article.slug)
    report.extra = sorted(slug for slug, _ in indexed.values())
    return report
