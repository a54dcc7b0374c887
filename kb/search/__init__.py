"""Search: the only package that knows the engines (Whoosh, or PostgreSQL itself).

It answers with article ids in rank order (plus facet counts, snippets and suggestions); callers
load the rows from the database, which stays the source of truth. SEARCH_BACKEND chooses the
engine: "whoosh" (the default, an index on disk beside each instance) or "postgresql" (search
documents in the database, written in the article's own transaction). Both run the same query
building and analysis, so they find and rank alike.

Whoosh modules: `analysis` (Dutch text), `intent` (engine-neutral query rules: fillers,
minimum-should-match, coordination, compound splitting, cognates, concepts), `expansion`,
`fields` and `scoring` (those rules as whoosh clauses and matchers), `query` (query syntax and
synonyms), `documents`
(schema and index documents), `storage` (generations on disk), `index` (readers, writing after
commit, rebuilds, recovery), `bits` (match and facet bit sets), `ranking` (a search), `related`
("Meer zoals dit", completion), `changes` (the change log each index follows by its own cursor),
`verify` (reading an index as a search does), `faults` (read errors become 503 and a rebuild),
`health` (health and check-index), `log` (the anonymous search log) and `textquery` (queries
over the group posts, which are searched in the database and never indexed). PostgreSQL modules:
`pgstore` (the rows and their tsvector), `pgquery` (the query tree as tsquery and BM25F),
`pgsearch` (a search), `pgspell` ("Bedoelde u"), `pgrelated` (the rest); `backend` chooses.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask

from kb.models import db
from kb.queries import FACETS
from kb.search import changes, pgrelated, pgsearch, pgstore, ranking, related
from kb.search.analysis import fold
from kb.search.backend import check_config, postgresql
from kb.search.faults import guarded
from kb.search.health import IndexReport
from kb.search.health import check_index as _whoosh_check_index
from kb.search.health import health as _whoosh_health
from kb.search.index import apply_changes as _whoosh_index_pending
from kb.search.index import rebuild as _whoosh_rebuild
from kb.search.log import flush_search_log, log_search, purge_search_log, search_log_stats
from kb.search.ranking import SearchResult
from kb.search.related import also_searches, known_terms
from kb.search.storage import IndexUnavailable
from kb.search.terms import analyse_terms
from kb.search.textquery import TermQuery, query_terms

# A read error inside Whoosh marks the index broken and raises IndexUnavailable (503).
_whoosh_search = guarded(ranking.search)
_whoosh_more_like_this = guarded(related.more_like_this)
_whoosh_complete_titles = guarded(related.complete_titles)
also_searches = guarded(also_searches)


def init_app(app: Flask) -> None:
    """Check the configured backend (a PostgreSQL backend needs a PostgreSQL database)."""
    check_config(app.config)


def search(
    text: str,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
    snippets: bool = True,
) -> SearchResult:
    """Search published articles; values within a facet OR, facets AND."""
    run = pgsearch.search if postgresql() else _whoosh_search
    return run(text, filters, sort, page, per_page, facets, snippets)


def more_like_this(article_id: int, exclude: set[int], limit: int = 4) -> list[int]:
    """Return ids of articles like this one, best first."""
    run = pgrelated.more_like_this if postgresql() else _whoosh_more_like_this
    return run(article_id, exclude, limit)


def complete_titles(text: str, limit: int = 6) -> list[int]:
    """Return ids of articles whose title starts words with what was typed, best first."""
    run = pgrelated.complete_titles if postgresql() else _whoosh_complete_titles
    return run(text, limit)


def write_documents(article_ids: Iterable[int]) -> int:
    """Write the search documents of changed articles inside the current transaction.

    Only the PostgreSQL backend writes here (so its rows commit with the articles); the Whoosh
    index applies the change log after the commit (`index_pending`).
    """
    return pgstore.write(article_ids) if postgresql() else 0


def index_pending(lock_timeout: float | None = None, maintain: bool = True) -> int:
    """Apply logged changes the index has not applied yet; return how many articles.

    The PostgreSQL backend has nothing to apply (its rows committed with the articles); it
    only prunes the change log, which stays for an instance that searches with Whoosh.
    """
    if postgresql():
        changes.prune()
        return 0
    return _whoosh_index_pending(lock_timeout, maintain)


def rebuild(force: bool = True, lock_timeout: float | None = None) -> int:
    """Rebuild the index (or every search document) from the database; return how many."""
    if postgresql():
        count = pgstore.rebuild()
        db.session.commit()
        return count
    return _whoosh_rebuild(force, lock_timeout)


def health() -> tuple[bool, str]:
    """Tell whether search is usable and keeps up with the database."""
    return pgrelated.health() if postgresql() else _whoosh_health()


def check_index() -> IndexReport:
    """Compare every published article with what search holds; report, never raise."""
    return pgrelated.check_index() if postgresql() else _whoosh_check_index()


__all__ = [
    "analyse_terms",
    "FACETS",
    "IndexReport",
    "IndexUnavailable",
    "SearchResult",
    "also_searches",
    "TermQuery",
    "check_index",
    "complete_titles",
    "flush_search_log",
    "fold",
    "health",
    "index_pending",
    "init_app",
    "known_terms",
    "log_search",
    "more_like_this",
    "purge_search_log",
    "query_terms",
    "rebuild",
    "search",
    "search_log_stats",
    "write_documents",
]
