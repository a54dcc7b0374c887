"""Search: the only package that knows the engine (Whoosh).

It answers with article ids in rank order (plus facet counts, snippets and suggestions); callers
load the rows from the database, which stays the source of truth. Modules: `analysis` (Dutch
text), `intent` (engine-neutral query rules: fillers, minimum-should-match, coordination,
compound splitting, cognates, concepts), `query` (query syntax and synonyms), `expansion` and
`fields` (the rules as whoosh clauses), `scoring` (coordination and phrase matchers),
`documents` (schema and index documents), `storage`
(generations on disk), `index` (readers, writing after commit, rebuilds, recovery), `bits`
(match and facet bit sets), `ranking` (a search), `related` ("Meer zoals dit", completion),
`changes` (the change log each index follows by its own cursor), `verify` (reading an index as a
search does), `faults` (read errors become 503 and a rebuild), `health` (health and check-index)
and `log` (the anonymous search log).
"""

from kb.queries import FACETS
from kb.search import ranking, related
from kb.search.faults import guarded
from kb.search.health import IndexReport, check_index, health
from kb.search.index import apply_changes as index_pending
from kb.search.index import rebuild
from kb.search.log import flush_search_log, log_search, purge_search_log, search_log_stats
from kb.search.ranking import SearchResult
from kb.search.related import also_searches, known_terms
from kb.search.storage import IndexUnavailable

# A read error inside the engine marks the index broken and raises IndexUnavailable (503).
search = guarded(ranking.search)
more_like_this = guarded(related.more_like_this)
complete_titles = guarded(related.complete_titles)
also_searches = guarded(also_searches)

__all__ = [
    "FACETS",
    "IndexReport",
    "IndexUnavailable",
    "SearchResult",
    "also_searches",
    "check_index",
    "complete_titles",
    "flush_search_log",
    "health",
    "index_pending",
    "known_terms",
    "log_search",
    "more_like_this",
    "purge_search_log",
    "rebuild",
    "search",
    "search_log_stats",
]
