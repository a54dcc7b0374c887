""" "Bedoelde u" for the PostgreSQL backend: the same rules as `kb.search.query.correct_word`.

A word the documents do not know (no document holds its term in any field) is replaced by the
closest word of the vocabulary (`search_word`, the folded words of the spell field) that starts
with the same letter, within edit distance 1 (up to 5 letters) or 2, the most frequent first.
"""

from __future__ import annotations

from sqlalchemy import text
from whoosh.support.levenshtein import distance

from kb import changes
from kb.models import db
from kb.search.analysis import DutchAnalysis, fold
from kb.search.pgstore import quote
from kb.search.query import ParsedQuery, Synonyms


def corrections(
    analysis: DutchAnalysis,
    parsed: ParsedQuery,
    synonyms: Synonyms,
    resolved: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Return misspelled word -> likelier word, for words no document holds (not those a rule
    of analysis resolved: a split compound or a cognate is not a typo)."""
    known = {key[0] for key in synonyms.index if len(key) == 1}
    asked: dict[str, str] = {}
    for word in parsed.words:
        terms = analysis.terms(word)
        if word not in resolved and terms is not None and terms.joined not in known:
            asked[word] = quote(terms.joined)
    if not asked:
        return {}
    unknown = set(
        db.session.scalars(
            text(
                "SELECT w.word FROM unnest(CAST(:words AS text[]), CAST(:queries AS text[])) "
                "AS w(word, q) WHERE NOT EXISTS (SELECT 1 FROM search_document d "
                "WHERE d.tsv @@ CAST(w.q AS tsquery))"
            ),
            {"words": list(asked), "queries": list(asked.values())},
        )
    )
    found = {}
    for word in parsed.words:
        if word in unknown:
            better = correct_word(word, known)
            if better:
                found[word] = better
    return found


def correct_word(word: str, known: set[str]) -> str | None:
    """Return a likelier spelling of one word from the vocabulary, or None."""
    folded = fold(word)
    if len(folded) < 4 or not folded.isalpha() or folded in known:
        return None
    maxdist = 1 if len(folded) <= 5 else 2
    rows = db.session.execute(
        text(
            "SELECT EXISTS (SELECT 1 FROM search_document "
            "WHERE spell @> ARRAY[CAST(:word AS text)]), "
            "ARRAY(SELECT word FROM search_word WHERE left(word, 1) = :first "
            "AND length(word) BETWEEN :shortest AND :longest)"
        ),
        {"word": folded, "first": folded[0], "shortest": len(folded) - maxdist,
         "longest": len(folded) + maxdist},
    ).one()  # fmt: skip
    if rows[0]:
        return None
    near = {c: d for c in rows[1] if c != folded and (d := distance(folded, c)) <= maxdist}
    if not near:
        return None
    # Words of articles since taken offline stay in the vocabulary: frequency 0 drops them.
    frequencies = db.session.execute(
        text(
            "SELECT w, (SELECT count(*) FROM search_document WHERE spell @> ARRAY[w]) "
            "FROM unnest(CAST(:words AS text[])) AS w"
        ),
        {"words": sorted(near)},
    ).all()
    candidates = [(near[w], -int(n), w) for w, n in frequencies if n]
    return min(candidates)[2] if candidates else None


def share(term: str) -> float:
    """Return the part of the search documents whose body holds an analysed term (cached per
    process until the next change): how common a word is, for the concept rule."""
    seen: dict[str, float] = changes.cached("pgsearch-share", dict)
    found = seen.get(term)
    if found is None:
        row = db.session.execute(
            text("SELECT count(*) FILTER (WHERE d.tsv @@ CAST(:q AS tsquery)), count(*) "
                 "FROM search_document d"),
            {"q": quote(term) + ":D"},
        ).one()  # fmt: skip
        found = seen[term] = row[0] / max(1, row[1])
    return found


def known(term: str) -> bool:
    """Tell whether any search document holds an analysed term, in any field (cached per
    process until the next change): what the query builder's vocabulary asks of an index."""
    seen: dict[str, bool] = changes.cached("pgsearch-known", dict)
    found = seen.get(term)
    if found is None:
        found = seen[term] = bool(
            db.session.scalar(
                text("SELECT EXISTS (SELECT 1 FROM search_document d "
                     "WHERE d.tsv @@ CAST(:q AS tsquery))"),
                {"q": quote(term)},
            )
        )  # fmt: skip
    return found
