"""Related articles ("Meer zoals dit") and completion of what is being typed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from whoosh import query as wq

from kb.queries import catalogue, synonym_groups
from kb.search.analysis import fold
from kb.search.bits import facet_bits
from kb.search.index import reader
from kb.search.query import also_searched, compile_synonyms, parse

KEY_TERMS = 12
KEY_TERMS_KEPT = 5_000  # article versions whose key terms a process keeps

# (article id, document version) -> its key terms: analysing the text is most of the cost of
# "Meer zoals dit", and it depends on the article's version, so it survives other publishes.
# The weights use the corpus statistics of the searcher that first computed them; a publish
# elsewhere shifts them a little, not which terms are key, so that is not worth a recount.
# The index generation is in the key too: a rebuild may analyse the same text differently.
_key_terms: OrderedDict[tuple[str, str, str], tuple[tuple[str, float], ...]] = OrderedDict()
_key_terms_lock = threading.Lock()


def more_like_this(article_id: int, exclude: set[int], limit: int = 4) -> list[int]:
    """Return ids of articles like this one (by its key terms and themes), best first.

    The answer is cached per searcher (it changes only when the index does); the article's key
    terms are cached per article version, across publishes.
    """
    state = reader()
    cache: dict[tuple, list[int]] = state.caches.setdefault("more_like_this", {})
    key = (article_id, frozenset(exclude), limit)
    if key not in cache:
        if len(cache) > 5_000:
            cache.clear()
        cache[key] = _more_like_this(state, article_id, exclude, limit)
    return list(cache[key])


def _more_like_this(state: Any, article_id: int, exclude: set[int], limit: int) -> list[int]:
    searcher = state.searcher
    docnum = searcher.document_number(id=str(article_id))
    if docnum is None:
        return []
    keys = key_terms(state, searcher.stored_fields(docnum))
    clauses: list[wq.Query] = []
    for term, weight in keys:
        clauses.append(wq.Term("body", term, boost=weight))
        clauses.append(wq.Term("title", term, boost=2 * weight))
    bits = facet_bits(state)
    for name in ("theme", "region"):
        for value, mask in bits[name].items():
            if mask >> docnum & 1:
                clauses.append(wq.Term(name, value, boost=0.5))
    if not clauses:
        return []
    found = searcher.search(wq.Or(clauses), limit=limit + len(exclude) + 1, terms=False)
    ids = []
    for hit in found:
        other = int(hit["id"])
        if other != article_id and other not in exclude:
            ids.append(other)
    return ids[:limit]


def key_terms(state: Any, stored: dict[str, Any]) -> tuple[tuple[str, float], ...]:
    """Return the body's key terms of an indexed article with their weights, cached per version."""
    key = (state.generation, stored["id"], stored.get("version") or "")
    with _key_terms_lock:
        found = _key_terms.get(key)
        if found is not None:
            _key_terms.move_to_end(key)
            return found
    text = stored.get("text", "")
    found = tuple(state.searcher.key_terms_from_text("body", text, numterms=KEY_TERMS))
    with _key_terms_lock:
        _key_terms[key] = found
        if len(_key_terms) > KEY_TERMS_KEPT:
            _key_terms.popitem(last=False)
    return found


def complete_titles(text: str, limit: int = 6) -> list[int]:
    """Return ids of articles whose title starts words with what was typed, best first."""
    state = reader()
    parsed = parse(text)
    if not parsed.words:
        return []
    *done, last = parsed.words
    clauses: list[wq.Query] = []
    for word in done:
        terms = state.analysis.terms(word)
        if terms is not None:
            clauses.append(wq.Term("title", terms.joined))
    prefix = fold(last)
    last_terms = state.analysis.terms(last)
    alternatives: list[wq.Query] = [wq.Prefix("title", prefix)]
    if last_terms is not None:
        alternatives.append(wq.Term("title", last_terms.joined))
        alternatives.append(wq.Prefix("title", last_terms.joined))
    clauses.append(wq.Or(alternatives))
    found = state.searcher.search(wq.And(clauses), limit=limit, terms=False)
    return [int(hit["id"]) for hit in found]


def known_terms(typed: str, limit: int) -> list[str]:
    """Return taxonomy labels, region names and aliases and synonyms that start as typed."""
    prefix = fold(typed)
    taxonomy = catalogue()  # cached per process and change: no query per keystroke
    candidates: list[str] = [theme.label for theme in taxonomy.themes]
    for region in taxonomy.regions:
        candidates += [region.name, *(region.aliases or [])]
    for terms in taxonomy.synonyms:
        candidates += terms
    found: list[str] = []
    for term in dict.fromkeys(candidates):
        folded = fold(term)
        if folded.startswith(prefix) or f" {prefix}" in f" {folded}":
            found.append(term)
            if len(found) == limit:
                break
    return found


def also_searches(text: str, groups: Sequence[Sequence[str]] | None = None) -> list[str]:
    """Return the terms a search for text also searches on, with these synonym groups.

    Without groups: the groups in use now. With groups (a proposal not yet saved): the same
    expansion code the search runs, so an editor's preview shows exactly what will happen.
    """
    state = reader()
    if groups is None:
        synonyms = compile_synonyms(state.analysis, synonym_groups())
    else:
        # Not through the cache: previews must not push the live groups out of it.
        proposal = tuple(tuple(str(t) for t in group) for group in groups)
        synonyms = compile_synonyms.__wrapped__(state.analysis, proposal)
    return also_searched(state.analysis, text, synonyms)
