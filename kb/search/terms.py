"""The index's Dutch analysis applied to any text, for tables searched outside Whoosh."""

from __future__ import annotations

from kb.search.analysis import dutch_analyzer
from kb.search.documents import analysis_from_db


def analyse_terms(text: str) -> str:
    """Return the terms the index would hold for text, space separated, in text order."""
    analyzer = dutch_analyzer(analysis_from_db())
    return " ".join(token.text for token in analyzer(text or ""))
