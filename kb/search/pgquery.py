"""The PostgreSQL backend's query: the same query tree the Whoosh backend runs, as a tsquery for
matching and as a BM25F scorer over the matched documents' term positions.

`kb.search.query.build` stays the one place that decides what a query means (words, phrases,
synonyms, all words or any); both backends run its tree. Matching becomes one tsquery (a term
in a field is the lexeme restricted to that field's weight; a phrase is `<->` between its
words), so the GIN index finds the documents. Ranking scores each document exactly as Whoosh
sums its matchers: a term in a field scores boost x BM25(idf, tf, field length, average
length) with Whoosh's idf and parameters, And and Or add their matching children, a phrase
scores the sum of its words (what `kb.search.ranking.PhraseScore` scores).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from math import log

from whoosh import query as wq

from kb.search import intent
from kb.search.pgstore import FIELDS, WEIGHTS, quote

B, K1 = 0.75, 1.2  # whoosh.scoring.BM25F's defaults


@dataclass
class Plan:
    """What a document must match and what adds to its score.

    clauses: the word clauses, of which a document must hold `minimum`; required: what it must
    all hold (quoted phrases); bonus: what only adds to the score (phrases of neighbouring
    words). With a minimum below all clauses a document's score is the sum of the clauses it
    holds times the coordination factor (held / all), as Lucene's classic coord.
    """

    clauses: list[wq.Query]
    required: list[wq.Query]
    minimum: int
    bonus: list[wq.Query]

    @property
    def partial(self) -> bool:
        """Tell whether a document may miss some clauses."""
        return self.minimum < len(self.clauses)

    def nodes(self) -> list[wq.Query]:
        """Return every query tree the plan scores."""
        return [*self.clauses, *self.required, *self.bonus]


def plan(query: wq.Query, match_all: bool, built: object = None) -> Plan:
    """Return the plan of a built query: its own clauses, minimum and bonus when the query
    builder gives them, else the top-level And (all of them) or Or (any one, match_all False)."""
    clauses = getattr(built, "clauses", None)
    if clauses or getattr(built, "required", None):
        return Plan(list(clauses or []), list(built.required), int(built.minimum),  # type: ignore[attr-defined]
                    list(getattr(built, "bonus", [])))  # fmt: skip
    if isinstance(query, wq.Every):
        return Plan([], [], 0, [])
    if isinstance(query, wq.And):
        return Plan(list(query.subqueries), [], len(query.subqueries), [])
    if isinstance(query, wq.Or) and not match_all:
        return Plan(list(query.subqueries), [], 1, [])
    return Plan([query], [], 1, [])


def plan_score(p: Plan, query: wq.Query, stats: Stats, doc: Doc) -> float:
    """Return a matched document's score under the plan (0 when nothing scores)."""
    if p.partial:
        parts = [score(clause, stats, doc) for clause in p.clauses]
        held = [part for part in parts if part is not None]
        total = sum(held) * intent.coordination(len(held), len(p.clauses))
        total += sum(score(r, stats, doc) or 0.0 for r in p.required)
    else:
        total = score(query, stats, doc) or 0.0
    if p.bonus:
        total += sum(part for b in p.bonus if (part := score(b, stats, doc)) is not None)
    return total


class Unsupported(ValueError):
    """A query node the PostgreSQL backend does not translate."""


def tsquery(node: wq.Query) -> str | None:
    """Return the tsquery text of a query tree (None: every document)."""
    if isinstance(node, wq.Every):
        return None
    if isinstance(node, wq.Term):
        return f"{quote(node.text)}:{WEIGHTS[node.fieldname]}"
    if isinstance(node, wq.Phrase):
        weight = WEIGHTS[node.fieldname]
        return "(" + " <-> ".join(f"{quote(w)}:{weight}" for w in node.words) + ")"
    if isinstance(node, wq.Or):
        return _any(node)
    if isinstance(node, wq.And):
        parts = [p for p in map(tsquery, node.subqueries) if p is not None]
        return "(" + " & ".join(parts) + ")" if parts else None
    raise Unsupported(f"query node {node!r}")


def _any(node: wq.Or) -> str | None:
    """An Or; one lexeme in several fields becomes one weight-restricted lexeme, and in all
    four one without a restriction, which the GIN index answers without reading any row."""
    weights: dict[str, set[str]] = {}
    parts: list[str] = []
    for sub in node.subqueries:
        if isinstance(sub, wq.Term):
            weights.setdefault(sub.text, set()).add(WEIGHTS[sub.fieldname])
            continue
        part = tsquery(sub)
        if part is None:
            return None  # an Or with Every matches every document
        parts.append(part)
    merged = [
        quote(text) + ("" if len(found) == len(WEIGHTS) else ":" + "".join(sorted(found)))
        for text, found in weights.items()
    ]
    every = [*merged, *parts]
    if not every:
        return None
    return every[0] if len(every) == 1 else "(" + " | ".join(every) + ")"


def leaves(node: wq.Query) -> Iterator[tuple[str, str]]:
    """Yield the (field, lexeme) pairs a query scores."""
    if isinstance(node, wq.Term):
        yield node.fieldname, node.text
    elif isinstance(node, wq.Phrase):
        for word in node.words:
            yield node.fieldname, word
    elif isinstance(node, (wq.And, wq.Or)):
        for sub in node.subqueries:
            yield from leaves(sub)


@dataclass
class Stats:
    """Collection statistics: documents, average field lengths, document frequencies."""

    documents: int
    average: dict[str, float]
    frequency: dict[tuple[str, str], int]

    def idf(self, field: str, lexeme: str) -> float:
        """Return Whoosh's BM25F idf of a term in a field."""
        return log(self.documents / (self.frequency.get((field, lexeme), 0) + 1)) + 1


@dataclass
class Doc:
    """One matched document's positions of the query's lexemes, per field, and its lengths."""

    positions: dict[tuple[str, str], frozenset[int]]
    lengths: dict[str, int]


_FIELD_OF = {weight: name for name, weight in WEIGHTS.items()}


def doc_from_rows(lengths: list[int], rows: list[tuple[str, list[int], list[str]]]) -> Doc:
    """Build a Doc from unnest(tsvector) rows (lexeme, positions, weights) and the lengths."""
    positions: dict[tuple[str, str], set[int]] = {}
    for lexeme, where, weights in rows:
        for position, weight in zip(where, weights, strict=True):
            positions.setdefault((_FIELD_OF[weight], lexeme), set()).add(position)
    return Doc(
        {key: frozenset(value) for key, value in positions.items()},
        dict(zip(FIELDS, lengths, strict=True)),
    )


def _bm25(stats: Stats, doc: Doc, field: str, lexeme: str, tf: int) -> float:
    length = doc.lengths.get(field, 0)
    average = stats.average.get(field) or 1.0
    idf = stats.idf(field, lexeme)
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average)))


def score(node: wq.Query, stats: Stats, doc: Doc) -> float | None:
    """Return a document's score for a query tree, or None when the tree does not match it."""
    if isinstance(node, wq.Every):
        return 0.0
    if isinstance(node, wq.Term):
        found = doc.positions.get((node.fieldname, node.text))
        if not found:
            return None
        return node.boost * _bm25(stats, doc, node.fieldname, node.text, len(found))
    if isinstance(node, wq.Phrase):
        sets = [doc.positions.get((node.fieldname, word)) for word in node.words]
        if not all(sets) or not any(
            all(start + i in found for i, found in enumerate(sets))  # type: ignore[operator]
            for start in sets[0]  # type: ignore[union-attr]
        ):
            return None
        return node.boost * sum(
            _bm25(stats, doc, node.fieldname, word, len(found))  # type: ignore[arg-type]
            for word, found in zip(node.words, sets, strict=True)
        )
    if isinstance(node, wq.And):
        total = 0.0
        for sub in node.subqueries:
            part = score(sub, stats, doc)
            if part is None:
                return None
            total += part
        return total * node.boost
    if isinstance(node, wq.Or):
        parts = [p for p in (score(sub, stats, doc) for sub in node.subqueries) if p is not None]
        return sum(parts) * node.boost if parts else None
    raise Unsupported(f"query node {node!r}")
