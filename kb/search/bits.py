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
    return to_bits(state.searcher.docs_for_query(query), size)


def _term_bits(state: ReaderState, field_name: str, text: str, size: int) -> int:
    cache: dict[tuple[str, str], int] = state.caches.setdefault("terms", {})
    key = (field_name, text)
    bits = cache.get(key)
    if bits is None:
        r = state.searcher.reader()
        bits = to_bits(r.postings(field_name, text).all_ids(), size) if key in r else 0
        if len(cache) > 20_000:  # bounded: a long-lived searcher sees many distinct words
            cache.clear()
        cache[key] = bits
    return bits


def union(masks: Any) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result
