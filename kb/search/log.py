"""The anonymous search log: what was searched and how many results it had (no user, no address)."""

from __future__ import annotations

import logging

from kb.models import SearchLog, db, utcnow

log = logging.getLogger(__name__)


def log_search(query: str, filters: dict[str, list[str]], total: int) -> None:
    """Record one search; never fail the search for it."""
    try:
        db.session.add(SearchLog(query=query[:500], filters=filters, result_count=total,
                                 created_at=utcnow()))  # fmt: skip
        db.session.commit()
    except Exception:  # a busy or broken log must not cost the reader the results
        db.session.rollback()
        log.warning("Zoekopdracht niet gelogd", exc_info=True)
