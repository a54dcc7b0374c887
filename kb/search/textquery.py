"""Queries over text searched outside Whoosh: the group posts, which never enter the index.

A post's `search_terms` holds `analyse_terms(title + body)` (kb.search.terms, written with the
post); a query is turned into terms here by the same analysis, so writing and searching meet.
Each word of the query becomes its one joined term (the analysis already wrote compounds
whole, in parts and joined across a space), the words of a "phrase" are all required, and
`-word` excludes. Snippets come from the same snippet code as the main search: escaped, with
the matches in <mark>.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from kb.search.analysis import DutchAnalysis, snippet
from kb.search.documents import analysis_from_db
from kb.search.query import analyse, parse


@dataclass
class TermQuery:
    """A query as terms: the required ones, the excluded ones, and the terms a snippet marks."""

    analysis: DutchAnalysis
    required: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    wanted: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing positive was asked for."""
        return not self.required

    def excerpt(self, text: str) -> Markup:
        """Return an escaped excerpt of text around the wanted terms, matches in <mark>."""
        return snippet(self.analysis, text, self.wanted)


def query_terms(text: str) -> TermQuery:
    """Return the terms of what a reader typed, analysed as the stored search_terms were."""
    analysis = analysis_from_db()
    parsed = parse(text)
    words = analyse(analysis, parsed.words)
    for phrase in parsed.phrases:
        words.extend(analyse(analysis, phrase))
    required = list(dict.fromkeys(w.joined for w in words))
    excluded = [w.joined for ws in parsed.excluded for w in analyse(analysis, ws)]
    wanted = frozenset(required) | frozenset(leaf for w in words for leaf in w.leaves)
    return TermQuery(analysis, required, [t for t in dict.fromkeys(excluded)
                                          if t not in required], wanted)  # fmt: skip
