"""The index's text fields as a query sees them: their weights and a union that can skip."""

from __future__ import annotations

from whoosh import query as wq

# Title above labels (theme, region, advies) above summary above body.
FIELD_BOOSTS = {"title": 6.0, "labels": 3.0, "summary": 2.0, "body": 1.0}
PHRASE_FIELDS = ("title", "summary", "body")
SHORT_FIELDS = ("title", "labels", "summary")


class Or(wq.Or):
    """An OR that always builds whoosh's tree of union matchers.

    Whoosh otherwise preloads every match and score of each segment under 5,000 documents (so
    every segment of a 10,000-article index), which rules out skipping posting blocks in a
    top-k search and cost up to a second for a common word.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


def fields(term: str, weight: float = 1.0) -> wq.Query:
    """Return the term in every text field, each at its weight."""
    return Or([wq.Term(name, term, boost=boost * weight) for name, boost in FIELD_BOOSTS.items()])
