"""Run a search: match, facet counts, ranking, snippets and "Bedoelde u".

Returns article ids in rank order; the caller loads the rows from the database. Facet counts use
bit sets cached per searcher (one Python int per facet value, bit n = document n), so counting
every facet with the other facets' filters applied is a handful of `&` and `bit_count()` calls.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from whoosh import query as wq

from kb.queries import FACETS, Catalogue, catalogue, synonym_groups
from kb.search import intent
from kb.search.analysis import DutchAnalysis, WordTerms, snippet
from kb.search.bits import (
    column,
    coverage,
    facet_bits,
    from_bits,
    match_bits,
    segment_offsets,
    union,
)
from kb.search.index import ReaderState, reader
from kb.search.query import (
    FIELD_BOOSTS,
    BuiltQuery,
    Or,
    ParsedQuery,
    Synonyms,
    Vocabulary,
    build,
    compile_synonyms,
    correct_word,
    corrected_text,
    parse,
)
from kb.search.scoring import Coordinated, PhraseScore, bonus_score, for_scoring

__all__ = ["PhraseScore", "SearchResult", "for_scoring", "concept_index", "search", "vocabulary"]

SCORE_DIRECTLY = 1000  # hits after filtering up to which ranking scores them one by one


@dataclass
class SearchResult:
    """What a search found: ids in rank order and everything the page shows around them."""

    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]
    snippets: dict[int, Markup] = field(default_factory=dict)
    suggestion: str | None = None  # a corrected query, for "Bedoelde u ...?"
    corrected: bool = False  # the results are for the suggestion (the query itself found none)
    match_all: bool = True  # False: no article had every word, these have some
    unfiltered_total: int | None = None  # on zero results with filters: the count without them


def _synonyms(state: ReaderState, groups: tuple[tuple[str, ...], ...] | None = None) -> Synonyms:
    # The groups are cached per process on the change counter: no query per search.
    return compile_synonyms(state.analysis, synonym_groups() if groups is None else groups)


_concept_memo: dict[int, tuple[object, DutchAnalysis, intent.ConceptIndex]] = {}


def concept_index(analysis: DutchAnalysis, taxonomy: Catalogue) -> intent.ConceptIndex:
    """The taxonomy's concepts for this analysis, compiled once per catalogue (which changes
    with the change counter) instead of hashing the taxonomy on every search."""
    memo = _concept_memo.get(id(analysis))
    if memo is not None and memo[0] is taxonomy and memo[1] is analysis:
        return memo[2]
    theme_rows = [  # a retired theme is no longer offered, so no concept either
        (t.slug, t.label, (t.description or "", *(getattr(t, "terms", None) or ())))
        for t in taxonomy.themes
        if not getattr(t, "retired", False)
    ]
    index = intent.compile_concepts(analysis, intent.concepts(theme_rows, taxonomy.synonyms))
    if len(_concept_memo) > 8:
        _concept_memo.clear()
    _concept_memo[id(analysis)] = (taxonomy, analysis, index)
    return index


def vocabulary(state: ReaderState, taxonomy: Catalogue | None = None) -> Vocabulary:
    """Return what this searcher's index knows (term lookups cached per searcher) and the
    taxonomy's concepts (cached per process until the taxonomy changes)."""
    concepts = concept_index(state.analysis, taxonomy or catalogue())
    cached = state.caches.get("vocabulary")
    if cached is None or cached.concepts is not concepts:
        r = state.searcher.reader()
        seen: dict[str, bool] = state.caches.setdefault("known", {})

        def known(term: str) -> bool:
            found = seen.get(term)
            if found is None:
                if len(seen) > 20_000:  # bounded: a long-lived searcher sees many words
                    seen.clear()
                found = seen[term] = any(r.doc_frequency(f, term) for f in FIELD_BOOSTS)
            return found

        articles = max(1, r.doc_count())

        def share(term: str) -> float:
            return r.doc_frequency("body", term) / articles

        cached = state.caches["vocabulary"] = Vocabulary(known, concepts, share)
    return cached


# --- the search -----------------------------------------------------------------------------


def search(
    text: str,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
    snippets: bool = True,
) -> SearchResult:
    """Search published articles; values within a facet OR, facets AND.

    facets=False and snippets=False skip that work (the benchmark's plain and filtered runs).
    """
    state = reader()
    filters = {k: [str(v) for v in vs] for k, vs in (filters or {}).items() if k in FACETS and vs}
    parsed = parse(text)
    taxonomy = catalogue()  # one read of the change counter (none more within a request)
    synonyms = _synonyms(state, taxonomy.synonyms)
    known = vocabulary(state, taxonomy)
    built = build(state.analysis, parsed, synonyms, vocabulary=known)
    result, hits = _run(state, built, filters, facets)
    # A word a rule resolved (a split compound, a cognate) is no typo, unless nothing was found.
    resolved = built.resolved if result.total else frozenset()
    corrections = _corrections(state, parsed, synonyms, resolved)
    if corrections:
        result.suggestion = corrected_text(text, corrections)
    if not result.total and corrections:
        fixed = parse(result.suggestion or "")
        built_fixed = build(state.analysis, fixed, synonyms, vocabulary=known)
        fixed_result, fixed_hits = _run(state, built_fixed, filters, facets)
        if fixed_result.total:
            fixed_result.suggestion, fixed_result.corrected = result.suggestion, True
            result, hits, built, parsed = fixed_result, fixed_hits, built_fixed, fixed
    if not result.total and len(built.clauses) > 1:
        any_built = build(state.analysis, parsed, synonyms, match_all=False, vocabulary=known)
        any_result, any_hits = _run(state, any_built, filters, facets)
        if any_result.total:
            any_result.suggestion, any_result.corrected = result.suggestion, result.corrected
            any_result.match_all = False
            result, hits, built = any_result, any_hits, any_built
    if not result.total and filters:
        result.unfiltered_total = _run(state, built, {}, False)[0].total
    _rank(state, result, hits, built, sort, page, per_page, snippets)
    if not facets:
        result.facets = {}
    return result


def _run(
    state: ReaderState, built: BuiltQuery, filters: dict[str, list[str]], count: bool = True
) -> tuple[SearchResult, Hits]:
    """Match the query, count every facet under the other facets' filters; return the hits."""
    bits = facet_bits(state)
    live = bits[""][""]
    size = state.searcher.reader().doc_count_all()
    levels: list[int] = []
    if built.partial:
        # Minimum should match: count per document how many word clauses it holds.
        masks = [match_bits(state, clause, size) & live for clause in built.clauses]
        matched, levels = coverage(masks, built.minimum)
        for phrase in built.required:
            matched &= match_bits(state, phrase, size)
        matched &= live
    else:
        matched = match_bits(state, built.query, size) & live
    if built.literal:
        matched &= union(match_bits(state, clause, size) for clause in built.literal)
    positive = matched
    if built.excluded is not None:
        matched &= ~match_bits(state, built.excluded, size)
    selected = {
        name: union(bits[name].get(value, 0) for value in values)
        for name, values in filters.items()
    }
    facets: dict[str, dict[str, int]] = {}
    for name in FACETS if count else ():
        base = matched
        for other, mask in selected.items():
            if other != name:
                base &= mask
        counts = ((value, (base & mask).bit_count()) for value, mask in bits[name].items())
        facets[name] = {value: count for value, count in counts if count}
    hits = matched
    for mask in selected.values():
        hits &= mask
    # With a minimum below all words, the scoring query (any word) matches more than the hits.
    narrowed = hits != positive or built.partial or bool(built.literal)
    result = SearchResult(ids=[], total=hits.bit_count(), facets=facets)
    if built.partial:
        # Truthful: "not every word" only when no hit holds every word.
        result.match_all = bool(hits & levels[-1])
    return result, Hits(hits, narrowed, levels)


@dataclass
class Hits:
    """The matching documents as a bit set; narrowed when filters or exclusions removed some."""

    bits: int
    narrowed: bool
    levels: list[int] = field(default_factory=list)  # per count c - 1: hits in >= c clauses


def _rank(
    state: ReaderState,
    result: SearchResult,
    hits: Hits,
    built: BuiltQuery,
    sort: str,
    page: int,
    per_page: int,
    snippets: bool,
) -> None:
    """Put one page of hits in order and add their snippets."""
    if not result.total:
        return
    wanted = page * per_page
    searcher = state.searcher
    if sort == "relevance" and not isinstance(built.query, wq.Every):
        scoring = _scoring_query(state, built, hits)
        if hits.narrowed and result.total <= SCORE_DIRECTLY:
            # Few hits left after filters: score just those (skip_to jumps over the rest).
            found = heapq.nlargest(wanted + per_page, _score_docs(searcher, scoring, hits))
        else:
            # Top-k lets whoosh skip posting blocks that cannot make the page.
            docset = set(from_bits(hits.bits)) if hits.narrowed else None
            found = searcher.search(
                scoring, limit=wanted + per_page, filter=docset, terms=False
            ).top_n
        updated = column(state, "updated")
        # Recency breaks ties between equal scores; rounding makes near-equal scores tie.
        top = sorted(found, key=lambda item: (-round(item[0], 4), -updated[item[1]]))
        docs = [doc for _score, doc in top]
    elif sort == "title":
        titles = column(state, "title_sort")
        docs = heapq.nsmallest(wanted, from_bits(hits.bits), key=titles.__getitem__)
    else:
        updated = column(state, "updated")
        docs = heapq.nlargest(wanted, from_bits(hits.bits), key=updated.__getitem__)
    enough = max(1, built.word_count)
    for doc in docs[(page - 1) * per_page : wanted]:
        stored = searcher.stored_fields(doc)
        article_id = int(stored["id"])
        result.ids.append(article_id)
        if snippets:
            result.snippets[article_id] = snippet(
                state.analysis, stored.get("text", ""), built.wanted, enough
            )


# --- scoring: coordination and the phrase bonus --------------------------------------------------


def _scoring_query(state: ReaderState, built: BuiltQuery, hits: Hits) -> wq.Query:
    """Return the query that scores the hits: every clause (a document holding some of them
    scored by the coordination factor), plus the phrase bonus where it applies."""
    if built.partial:
        counts = bytearray(state.searcher.reader().doc_count_all())
        for count, level in enumerate(hits.levels, start=1):
            for doc in from_bits(level & hits.bits):
                counts[doc] = count  # ascending, so the highest count stays
        core: wq.Query = Coordinated(Or(built.clauses), counts, len(built.clauses),
                                     segment_offsets(state))  # fmt: skip
        if built.required:
            core = wq.And([*built.required, core])
    else:
        core = built.query
    core = for_scoring(state, core)
    bonus = [b for b in (bonus_score(state, q, hits.bits) for q in built.bonus) if b is not None]
    if bonus:
        return wq.AndMaybe(core, bonus[0] if len(bonus) == 1 else Or(bonus))
    return core


def _score_docs(searcher: Any, query: wq.Query, hits: Hits) -> list[tuple[float, int]]:
    """Score the given documents only, segment by segment, by skipping the query's matcher."""
    docs = from_bits(hits.bits)
    subsearchers = [(searcher, 0)] if searcher.is_atomic() else searcher.subsearchers
    scored: list[tuple[float, int]] = []
    for sub, offset in subsearchers:
        end = offset + sub.doc_count_all()
        local = [doc - offset for doc in docs[bisect_left(docs, offset) : bisect_left(docs, end)]]
        if not local:
            continue
        matcher = query.matcher(sub, sub.context())
        for doc in local:
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    break
            if matcher.id() == doc:
                scored.append((matcher.score(), doc + offset))
    return scored


def _corrections(
    state: ReaderState, parsed: ParsedQuery, synonyms: Synonyms, resolved: frozenset[str]
) -> dict[str, str]:
    """Return misspelled word -> likelier word, for words the index does not know (and no
    rule of analysis resolved: a split compound or a cognate is not a typo)."""
    known = {key[0] for key in synonyms.index if len(key) == 1}
    corrections = {}
    r = state.searcher.reader()
    for word in parsed.words:
        if word in resolved:
            continue
        terms = state.analysis.terms(word)
        if terms is None or terms.joined in known or _indexed(r, terms):
            continue
        better = correct_word(r, word, known)
        if better:
            corrections[word] = better
    return corrections


def _indexed(r: Any, terms: WordTerms) -> bool:
    """Tell whether the index knows the word (compounds are indexed whole, so no parts check)."""
    return any(r.doc_frequency(name, terms.joined) for name in FIELD_BOOSTS)
