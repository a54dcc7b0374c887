"""Read an index generation the way a search does, cheaply, to tell whether it is usable.

A health check that only opens the table of contents says "ok" over a damaged segment (issue 9,
finding 7). This one opens a searcher afresh and, for every segment, reads the stored fields,
field lengths, sort columns and postings a search touches, at a few documents per segment, then
runs a scored and a sorted query. A search that hits damage this sample missed marks the
generation broken itself (`kb.search.faults`), and that mark is checked here first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh import query as wq

from kb.search.storage import IndexUnavailable, broken_reason, current_generation, open_generation

SCORED = ("title", "labels", "summary", "body")
FACETS = ("kind", "theme", "advice", "region", "sector")
COLUMNS = ("updated", "title_sort")


def check_health(root: Path) -> tuple[bool, str]:
    """Open the live generation afresh and read a little of everything a search reads."""
    name = current_generation(root)
    reason = broken_reason(root, name)
    if reason is not None:
        return False, f"index beschadigd: {reason}"
    try:
        ix = open_generation(root, name)
        with ix.searcher() as searcher:
            for segment, _offset in searcher.reader().leaf_readers():
                _read_segment(segment)
            _run_queries(searcher)
            return True, f"{searcher.doc_count()} artikelen in de index"
    except IndexUnavailable as exc:
        return False, str(exc)
    except Exception as exc:  # any read failure means the files are damaged
        return False, f"index beschadigd: {exc.__class__.__name__}"


def _read_segment(segment: Any) -> None:
    """Touch stored fields, lengths and columns of a few documents, and postings of each field."""
    total = segment.doc_count_all()
    samples = sorted({0, total // 2, total - 1}) if total else []
    columns = [segment.column_reader(name) for name in COLUMNS if segment.has_column(name)]
    for docnum in samples:
        if segment.is_deleted(docnum):
            continue
        segment.stored_fields(docnum)
        for name in SCORED:
            segment.doc_field_length(docnum, name)
        for column in columns:
            column[docnum]
    for name in (*FACETS, *SCORED, "id", "spell"):
        for term in _first_terms(segment, name):
            list(segment.postings(name, term).all_ids())
    for name in FACETS:  # facet counts read every facet value's postings
        for term in segment.lexicon(name):
            list(segment.postings(name, term).all_ids())


def _first_terms(segment: Any, name: str, count: int = 2) -> list[bytes]:
    terms = []
    for term in segment.lexicon(name):
        terms.append(term)
        if len(terms) == count:
            break
    return terms


def _run_queries(searcher: Any) -> None:
    """Run a scored query and a sorted one and read the hits' stored fields, as a search does."""
    reader = searcher.reader()
    words = _first_terms(reader, "body", 3)
    if words:
        query = wq.Or([wq.Term("body", word.decode("utf-8")) for word in words])
        for hit in searcher.search(query, limit=5):
            hit.fields()
    for hit in searcher.search(wq.Every(), limit=5, sortedby="updated", reverse=True):
        hit.fields()
