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
from whoosh.matching import NullMatcher, WrappingMatcher

from kb.queries import FACETS, synonym_groups
from kb.search.analysis import WordTerms, snippet
from kb.search.bits import (
    column,
    facet_bits,
    from_bits,
    match_bits,
    phrase_bits,
    segment_offsets,
    union,
)
from kb.search.index import ReaderState, reader
from kb.search.query import (
    FIELD_BOOSTS,
    BuiltQuery,
    ParsedQuery,
    Synonyms,
    build,
    compile_synonyms,
    correct_word,
    corrected_text,
    parse,
)

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


def _synonyms(state: ReaderState) -> Synonyms:
    # The groups are cached per process on the change counter: no query per search.
    return compile_synonyms(state.analysis, synonym_groups())


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
    synonyms = _synonyms(state)
    built = build(state.analysis, parsed, synonyms)
    result, hits = _run(state, built, filters, facets)
    corrections = _corrections(state, parsed, synonyms)
    if corrections:
        result.suggestion = corrected_text(text, corrections)
    if not result.total and corrections:
        fixed = parse(result.suggestion or "")
        built_fixed = build(state.analysis, fixed, synonyms)
        fixed_result, fixed_hits = _run(state, built_fixed, filters, facets)
        if fixed_result.total:
            fixed_result.suggestion, fixed_result.corrected = result.suggestion, True
            result, hits, built, parsed = fixed_result, fixed_hits, built_fixed, fixed
    if not result.total and len(parsed.words) > 1:
        any_built = build(state.analysis, parsed, synonyms, match_all=False)
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
    matched = match_bits(state, built.query, size) & live
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
    narrowed = hits != positive
    return SearchResult(ids=[], total=hits.bit_count(), facets=facets), Hits(hits, narrowed)


@dataclass
class Hits:
    """The matching documents as a bit set; narrowed when filters or exclusions removed some."""

    bits: int
    narrowed: bool


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
        scoring = for_scoring(state, built.query)
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


# --- phrases: matched once, scored without positions --------------------------------------------


class PhraseScore(wq.Query):
    """A phrase for ranking only: the documents come from the phrase's cached bit set, the score
    is the sum of its words' scores (which is what whoosh's phrase matcher scores), so ranking
    never reads positions again after matching did."""

    def __init__(self, phrase: wq.Phrase, bits: int, offsets: dict[int, int]) -> None:
        self.fieldname = phrase.fieldname
        self.words = list(phrase.words)
        self.boost = phrase.boost
        self.bits = bits
        self.offsets = offsets

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PhraseScore) and (
            self.fieldname,
            self.words,
            self.boost,
            self.bits,
        ) == (other.fieldname, other.words, other.boost, other.bits)

    def __hash__(self) -> int:
        return hash((self.fieldname, tuple(self.words), self.boost))

    def __repr__(self) -> str:
        return f"PhraseScore({self.fieldname!r}, {self.words!r}, boost={self.boost})"

    def estimate_size(self, ixreader: Any) -> int:
        return self.bits.bit_count()

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        offset = self.offsets.get(id(searcher.reader()), 0)
        local = (self.bits >> offset) & ((1 << searcher.doc_count_all()) - 1)
        if not local:
            return NullMatcher()
        words = wq.And([wq.Term(self.fieldname, word) for word in self.words])
        return _OnDocs(words.matcher(searcher, context), from_bits(local), boost=self.boost)


class _OnDocs(WrappingMatcher):
    """Visit only the given documents (ascending) of a child matcher that holds them all, by
    skip_to: walking the child would visit every document that has both words."""

    def __init__(self, child: Any, docs: list[int], boost: float = 1.0, at: int = 0) -> None:
        super().__init__(child, boost)
        self.docs = docs
        self.at = at
        if self.is_active():
            child.skip_to(docs[at])

    def copy(self) -> _OnDocs:
        return _OnDocs(self.child.copy(), self.docs, self.boost, self.at)

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else NullMatcher()

    def is_active(self) -> bool:
        return self.at < len(self.docs)

    def id(self) -> int:
        return self.docs[self.at]

    def all_ids(self) -> Any:
        return iter(self.docs[self.at :])

    def reset(self) -> None:
        self.child.reset()
        self.at = 0
        if self.docs:
            self.child.skip_to(self.docs[0])

    def next(self) -> bool:
        self.at += 1
        if self.is_active():
            self.child.skip_to(self.docs[self.at])
        return False

    def skip_to(self, docnum: int) -> bool:
        if self.is_active() and docnum > self.docs[self.at]:
            self.at = bisect_left(self.docs, docnum, self.at)
            if self.is_active():
                self.child.skip_to(self.docs[self.at])
        return False

    def supports_block_quality(self) -> bool:
        return False

    def score(self) -> float:
        child = self.child
        if child.is_active() and child.id() == self.docs[self.at]:
            return child.score() * self.boost
        return 0.0


def for_scoring(state: ReaderState, query: wq.Query) -> wq.Query:
    """Return the query with every phrase replaced by its PhraseScore (same ranking, no
    second pass over positions)."""
    if isinstance(query, wq.Phrase):
        size = state.searcher.reader().doc_count_all()
        return PhraseScore(query, phrase_bits(state, query, size), segment_offsets(state))
    return query.apply(lambda sub: for_scoring(state, sub))


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


def _corrections(state: ReaderState, parsed: ParsedQuery, synonyms: Synonyms) -> dict[str, str]:
    """Return misspelled word -> likelier word, for words the index does not know."""
    known = {key[0] for key in synonyms.index if len(key) == 1}
    corrections = {}
    r = state.searcher.reader()
    for word in parsed.words:
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
