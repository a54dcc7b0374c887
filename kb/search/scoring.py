"""Scoring pieces whoosh lacks: a coordination factor, phrases scored from cached bit sets, and
the phrase bonus as a constant score on the documents that hold the phrase.

Both wrap whoosh matchers and keep block qualities valid upper bounds, so top-k searches still
skip posting blocks that cannot reach the page.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from whoosh import query as wq
from whoosh.matching import Matcher, NullMatcher, WrappingMatcher

from kb.search import intent
from kb.search.bits import from_bits, phrase_bits, segment_offsets
from kb.search.expansion import ConstantPhrase
from kb.search.index import ReaderState

# --- coordination ---------------------------------------------------------------------------


class Coordinated(wq.Query):
    """Scores of the wrapped query times the coordination factor of each document (how many
    of the word clauses it holds, counted once as bit sets). The factor is at most 1, so the
    wrapped matcher's block qualities stay valid upper bounds and top-k skipping still works."""

    def __init__(self, child: wq.Query, counts: bytearray, total: int, offsets: dict[int, int]):
        self.child = child
        self.counts = counts
        self.total = total
        self.offsets = offsets
        self.factors = [intent.coordination(c, total) for c in range(total + 1)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Coordinated) and (self.child, self.counts) == (
            other.child,
            other.counts,
        )

    def __hash__(self) -> int:
        return hash((self.child, self.total))

    def __repr__(self) -> str:
        return f"Coordinated({self.child!r}, of={self.total})"

    def children(self) -> list[wq.Query]:
        return [self.child]

    def apply(self, fn: Any) -> Coordinated:
        return Coordinated(fn(self.child), self.counts, self.total, self.offsets)

    def estimate_size(self, ixreader: Any) -> int:
        return self.child.estimate_size(ixreader)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        offset = self.offsets.get(id(searcher.reader()), 0)
        child = self.child.matcher(searcher, context)
        if not child.is_active():
            return NullMatcher()
        return _CoordMatcher(child, self.counts, offset, self.factors)


class _CoordMatcher(WrappingMatcher):
    def __init__(self, child: Any, counts: bytearray, offset: int, factors: list[float]) -> None:
        super().__init__(child)
        self.counts = counts
        self.offset = offset
        self.factors = factors

    def copy(self) -> _CoordMatcher:
        return _CoordMatcher(self.child.copy(), self.counts, self.offset, self.factors)

    def _replacement(self, newchild: Any) -> _CoordMatcher:
        return _CoordMatcher(newchild, self.counts, self.offset, self.factors)

    def score(self) -> float:
        return self.child.score() * self.factors[self.counts[self.offset + self.child.id()]]


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

    # The child's best score bounds every block, so top-k skipping keeps working when a phrase
    # (a bonus above all) is part of the query: once that bound cannot reach the page, skip all.
    def supports_block_quality(self) -> bool:
        return self.child.supports_block_quality()

    def max_quality(self) -> float:
        return self.child.max_quality() * self.boost

    def block_quality(self) -> float:
        return self.max_quality()

    def skip_to_quality(self, minquality: float) -> int:
        if self.is_active() and self.max_quality() <= minquality:
            self.at = len(self.docs)
            return 1
        return 0

    def score(self) -> float:
        child = self.child
        if child.is_active() and child.id() == self.docs[self.at]:
            return child.score() * self.boost
        return 0.0


def for_scoring(state: ReaderState, query: wq.Query) -> wq.Query:
    """Return the query with every phrase replaced by its PhraseScore (same ranking, no
    second pass over positions)."""
    if isinstance(query, ConstantPhrase):
        return bonus_score(state, query, -1) or wq.NullQuery
    if isinstance(query, wq.Phrase):
        size = state.searcher.reader().doc_count_all()
        return PhraseScore(query, phrase_bits(state, query, size), segment_offsets(state))
    return query.apply(lambda sub: for_scoring(state, sub))


# --- the phrase bonus ---------------------------------------------------------------------------


class BonusScore(wq.Query):
    """The phrase bonus: a constant score (the phrase's words' idf, times the field's boost) on
    the documents that hold the phrase, taken from its cached bit set. No term matcher runs, so
    the bonus costs a list walk, not a second scoring of the words."""

    def __init__(self, bits: int, weight: float, offsets: dict[int, int]) -> None:
        self.bits = bits
        self.weight = weight
        self.offsets = offsets

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BonusScore) and (self.bits, self.weight) == (
            other.bits,
            other.weight,
        )

    def __hash__(self) -> int:
        return hash((self.bits, self.weight))

    def __repr__(self) -> str:
        return f"BonusScore({self.bits.bit_count()} docs, {self.weight:.2f})"

    def estimate_size(self, ixreader: Any) -> int:
        return self.bits.bit_count()

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        offset = self.offsets.get(id(searcher.reader()), 0)
        local = (self.bits >> offset) & ((1 << searcher.doc_count_all()) - 1)
        if not local:
            return NullMatcher()
        return _ConstantDocs(from_bits(local), self.weight)


def bonus_score(state: ReaderState, phrase: wq.Phrase, hits: int) -> BonusScore | None:
    """Return the bonus of a phrase among the hits, or None when no hit holds it."""
    size = state.searcher.reader().doc_count_all()
    bits = phrase_bits(state, phrase, size) & hits
    if not bits:
        return None
    searcher = state.searcher
    weight = phrase.boost * sum(searcher.idf(phrase.fieldname, w) for w in phrase.words)
    return BonusScore(bits, weight, segment_offsets(state))


class _ConstantDocs(Matcher):
    """The given documents (ascending), each with the same score; its block quality is that
    score, so top-k skipping keeps working around it."""

    def __init__(self, docs: list[int], weight: float, at: int = 0) -> None:
        self.docs = docs
        self.weight_value = weight
        self.at = at

    def copy(self) -> _ConstantDocs:
        return _ConstantDocs(self.docs, self.weight_value, self.at)

    def replace(self, minquality: float = 0) -> Any:
        if not self.is_active() or (minquality and self.weight_value <= minquality):
            return NullMatcher()
        return self

    def is_active(self) -> bool:
        return self.at < len(self.docs)

    def id(self) -> int:
        return self.docs[self.at]

    def all_ids(self) -> Any:
        return iter(self.docs[self.at :])

    def reset(self) -> None:
        self.at = 0

    def next(self) -> bool:
        self.at += 1
        return False

    def skip_to(self, docnum: int) -> bool:
        if self.is_active() and docnum > self.docs[self.at]:
            self.at = bisect_left(self.docs, docnum, self.at)
        return False

    def supports(self, astype: str) -> bool:
        return False

    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return self.weight_value

    def block_quality(self) -> float:
        return self.weight_value

    def skip_to_quality(self, minquality: float) -> int:
        if self.is_active() and self.weight_value <= minquality:
            self.at = len(self.docs)
            return 1
        return 0

    def weight(self) -> float:
        return self.weight_value

    def score(self) -> float:
        return self.weight_value
