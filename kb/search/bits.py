"""Bit sets for matching and facets, cached per searcher and per segment.

A bit set is a Python int where bit n means document n: facet counts under other facets'
filters become a few `&` and `bit_count()` calls, and a query's match set is built from
per-term bit sets instead of walking whoosh matchers.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from kb.queries import FACETS
from kb.search.index import ReaderState

_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def facet_bits(state: ReaderState) -> dict[str, dict[str, int]]:
    """Return facet -> value -> bit set of live documents, built once per searcher from bit
    sets cached per segment (segments never change, so a publish only adds a small one)."""
    cached = state.caches.get("facets")
    if cached is None:
        top = state.searcher.reader()
        live = to_bits(top.all_doc_ids(), top.doc_count_all())
        merged: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for segment_reader, offset in top.leaf_readers():
            for name, values in _segment_facets(state, segment_reader).items():
                target = merged[name]
                for value, bits in values.items():
                    target[value] = target.get(value, 0) | (bits << offset)
        cached = {"": {"": live}}
        for name, values in merged.items():
            cached[name] = {value: bits & live for value, bits in values.items() if bits & live}
        state.caches["facets"] = cached
    return cached


_segment_cache: dict[tuple[str, str, str], Any] = {}


def _segment_facets(state: ReaderState, segment_reader: Any) -> dict[str, dict[str, int]]:
    key = (str(state.root), state.generation, segment_reader.segment().segment_id())
    found = _segment_cache.get(key)
    if found is None:
        size = segment_reader.doc_count_all()
        found = {}
        for name in FACETS:
            form = segment_reader.schema[name].format
            # The raw term matcher, not postings(): postings() drops deleted documents, which
            # change with every update; deletions are applied through the live set instead.
            found[name] = {
                value.decode(): to_bits(
                    segment_reader._terms.matcher(name, value, form).all_ids(), size
                )
                for value in segment_reader.lexicon(name)
            }
        if len(_segment_cache) > 512:
            _segment_cache.clear()
        _segment_cache[key] = found
    return found


def column(state: ReaderState, name: str) -> list[Any]:
    """Return a sortable column as a list indexed by document number, cached per searcher."""
    cached = state.caches.get(name)
    if cached is None:
        cached = []
        for segment_reader, _offset in state.searcher.reader().leaf_readers():
            key = (
                str(state.root),
                state.generation,
                f"{segment_reader.segment().segment_id()}:{name}",
            )
            values = _segment_cache.get(key)
            if values is None:
                values = list(segment_reader.column_reader(name))
                _segment_cache[key] = values
            cached.extend(values)
        state.caches[name] = cached
    return cached


def to_bits(docnums: Any, size: int) -> int:
    buffer = bytearray((size >> 3) + 1)
    for doc in docnums:
        buffer[doc >> 3] |= 1 << (doc & 7)
    return int.from_bytes(buffer, "little")


def from_bits(bits: int) -> list[int]:
    docs: list[int] = []
    for offset, byte in enumerate(bits.to_bytes((bits.bit_length() >> 3) + 1, "little")):
        if byte:
            base = offset << 3
            docs.extend(base + bit for bit in _BITS[byte])
    return docs


def match_bits(state: ReaderState, query: wq.Query, size: int) -> int:
    """Return the documents a query matches as a bit set, from per-term bit sets cached per
    searcher; only phrases (which need positions) ask whoosh for their documents."""
    if isinstance(query, wq.Term):
        return _term_bits(state, query.fieldname, query.text, size)
    if isinstance(query, wq.Every):
        return facet_bits(state)[""][""]
    if isinstance(query, wq.Or):
        return union(match_bits(state, q, size) for q in query.subqueries)
    if isinstance(query, wq.And):
        result = -1
        for sub in query.subqueries:
            result &= match_bits(state, sub, size)
            if not result:
                break
        return result
    if isinstance(query, wq.Phrase):
        return phrase_bits(state, query, size)
    return to_bits(state.searcher.docs_for_query(query), size)


def phrase_bits(state: ReaderState, phrase: wq.Phrase, size: int) -> int:
    """Return the documents holding a phrase, cached per searcher and per segment: positions
    are read once per segment, and only when every word occurs (from the term bit sets)."""
    cache: dict[tuple[Any, ...], int] = state.caches.setdefault("phrases", {})
    key = (phrase.fieldname, tuple(phrase.words), phrase.slop)
    bits = cache.get(key)
    if bits is None:
        bits = -1
        for word in dict.fromkeys(phrase.words):
            bits &= _term_bits(state, phrase.fieldname, word, size)
            if not bits:
                break
        if bits:
            found = 0
            for segment, offset in _segments(state):
                found |= _segment_phrase_bits(state, segment, phrase) << offset
            bits &= found
        if len(cache) > 2_000:
            cache.clear()
        cache[key] = bits
    return bits


def segment_offsets(state: ReaderState) -> dict[int, int]:
    """Return id(segment reader) -> its first document number in the searcher, cached."""
    offsets = state.caches.get("offsets")
    if offsets is None:
        leaves = state.searcher.reader().leaf_readers()
        offsets = state.caches["offsets"] = {id(r): offset for r, offset in leaves}
    return offsets


def _term_bits(state: ReaderState, field_name: str, text: str, size: int) -> int:
    """A term's live documents, cached per searcher and built from bit sets cached per segment,
    so a searcher opened after a publish reads postings of the new small segment only."""
    cache: dict[tuple[str, str], int] = state.caches.setdefault("terms", {})
    key = (field_name, text)
    bits = cache.get(key)
    if bits is None:
        bits = 0
        for segment, offset in _segments(state):
            bits |= _segment_term_bits(state, segment, field_name, text) << offset
        bits &= facet_bits(state)[""][""]
        if len(cache) > 20_000:  # bounded: a long-lived searcher sees many distinct words
            cache.clear()
        cache[key] = bits
    return bits


_term_cache: dict[tuple[str, ...], int] = {}
TERM_CACHE_SIZE = 50_000  # per-segment term and phrase bit sets kept per process


def _segments(state: ReaderState) -> list[tuple[Any, int]]:
    segments = state.caches.get("segments")
    if segments is None:
        if state.searcher.is_atomic():
            segments = [(state.searcher, 0)]
        else:
            segments = list(state.searcher.subsearchers)
        state.caches["segments"] = segments
    return segments


def _remember(key: tuple[str, ...], bits: int) -> int:
    if len(_term_cache) > TERM_CACHE_SIZE:
        _term_cache.clear()
    _term_cache[key] = bits
    return bits


def _segment_term_bits(state: ReaderState, sub: Any, field_name: str, text: str) -> int:
    """A term's documents in one segment, deleted ones included (segments never change;
    deletions are applied through the live set)."""
    segment_reader = sub.reader()
    key = (str(state.root), state.generation, segment_reader.segment().segment_id(), field_name,
           text)  # fmt: skip
    bits = _term_cache.get(key)
    if bits is None:
        bits = 0
        if (field_name, text) in segment_reader:
            field = segment_reader.schema[field_name]
            raw = segment_reader._terms.matcher(field_name, field.to_bytes(text), field.format)
            bits = to_bits(raw.all_ids(), segment_reader.doc_count_all())
        bits = _remember(key, bits)
    return bits


def _segment_phrase_bits(state: ReaderState, sub: Any, phrase: wq.Phrase) -> int:
    segment_reader = sub.reader()
    key = (str(state.root), state.generation, segment_reader.segment().segment_id(),
           "phrase", phrase.fieldname, repr(tuple(phrase.words)), str(phrase.slop))  # fmt: skip
    bits = _term_cache.get(key)
    if bits is None:
        unboosted = wq.Phrase(phrase.fieldname, list(phrase.words), slop=phrase.slop)
        bits = _remember(key, to_bits(sub.docs_for_query(unboosted), sub.doc_count_all()))
    return bits


def union(masks: Any) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result


def coverage(masks: list[int], minimum: int) -> tuple[int, list[int]]:
    """Return the documents in at least `minimum` of the masks, and per count c (index c - 1)
    the documents in at least c masks: a bit-parallel count, a few big-int operations per
    mask, never a loop over documents."""
    levels = [0] * len(masks)  # levels[c - 1]: documents in at least c masks so far
    for mask in masks:
        for c in range(len(masks) - 1, 0, -1):
            levels[c] |= levels[c - 1] & mask
        levels[0] |= mask
    return (levels[minimum - 1] if minimum > 0 else -1), levels
