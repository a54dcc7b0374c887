"""The PostgreSQL backend's "Meer zoals dit", completion, health and check-index."""

from __future__ import annotations

from math import log, log2
from typing import Any

from sqlalchemy import func, select, text
from whoosh import query as wq

from kb import changes
from kb.models import IndexChange, db
from kb.search.analysis import fold
from kb.search.documents import document, published_articles
from kb.search.health import IndexReport
from kb.search.pgquery import tsquery
from kb.search.pgsearch import collection_stats, ranked
from kb.search.pgstore import counts, current_analysis, indexed_versions, quote
from kb.search.query import parse

KEY_TERMS = 12  # as the Whoosh backend's key_terms_from_text
KEY_CANDIDATES = 80  # the article's most frequent body terms considered for them
MORE_LIKE_THIS_POOL = 300  # documents scored exactly, picked by ts_rank


def more_like_this(article_id: int, exclude: set[int], limit: int = 4) -> list[int]:
    """Return ids of articles like this one (by its key terms and themes), best first.

    Cached per process until the next change.
    """
    key = ("pgsearch-more-like-this", article_id, frozenset(exclude), limit)
    found = changes.cached_lru(key, lambda: _more_like_this(article_id, exclude, limit))
    return list(found or [])


def _more_like_this(article_id: int, exclude: set[int], limit: int) -> list[int] | None:
    own = db.session.execute(
        text("SELECT d.theme, d.region, u.lexeme, u.weights FROM search_document d "
             "LEFT JOIN LATERAL unnest(d.tsv) AS u ON TRUE WHERE d.article_id = :id"),
        {"id": article_id},
    ).all()  # fmt: skip
    if not own:
        return None
    themes, regions = own[0][0], own[0][1]
    # Summary and body: what the Whoosh backend reads the key terms from (its stored text).
    frequency = {r.lexeme: sum(w in "CD" for w in r.weights) for r in own if r.lexeme}
    candidates = sorted((n, t) for t, n in frequency.items() if n)[-KEY_CANDIDATES:]
    stats = collection_stats({("body", term) for _n, term in candidates})
    documents = stats.documents

    def bo1(tf: int, term: str) -> float:  # whoosh's Bo1 expansion model, on document counts
        f = max(stats.frequency.get(("body", term), 0), 1) / documents
        return tf * log2((1 + f) / f) + log2(1 + f)

    keys = sorted(((bo1(n, t), t) for n, t in candidates), reverse=True)[:KEY_TERMS]
    if not keys and not themes and not regions:
        return []
    top = max((w for w, _t in keys), default=1.0) or 1.0
    clauses: list[wq.Query] = []
    for weight, term in keys:
        clauses.append(wq.Term("body", term, boost=weight / top))
        clauses.append(wq.Term("title", term, boost=2 * weight / top))
    query = wq.Or(clauses) if clauses else wq.Every()
    params: dict[str, Any] = {"themes": themes, "regions": regions, "self": article_id,
                              "exclude": sorted(exclude)}  # fmt: skip
    shared = "(d.theme && CAST(:themes AS text[]) OR d.region && CAST(:regions AS text[]))"
    condition = shared
    if clauses:
        params["q"] = tsquery(query)
        condition = f"(d.tsv @@ CAST(:q AS tsquery) OR {shared})"
    where = (f"{condition} AND d.article_id <> :self "
             "AND NOT d.article_id = ANY(CAST(:exclude AS integer[]))")  # fmt: skip
    bonus = _shared_bonus(themes, regions, article_id)
    return ranked(query, where, params, MORE_LIKE_THIS_POOL + 1, bonus)[:limit]


def _shared_bonus(themes: list[str], regions: list[str], article_id: int) -> dict[int, float]:
    """Score 0.5 x idf per theme and region shared with the article, as the Whoosh backend's
    facet terms (boost 0.5, unscored length) add."""
    rows = db.session.execute(
        text("SELECT d.article_id, ARRAY(SELECT unnest(d.theme) INTERSECT "
             "SELECT unnest(CAST(:themes AS text[]))), ARRAY(SELECT unnest(d.region) INTERSECT "
             "SELECT unnest(CAST(:regions AS text[]))) FROM search_document d "
             "WHERE d.theme && CAST(:themes AS text[]) OR d.region && CAST(:regions AS text[])"),
        {"themes": themes, "regions": regions},
    ).all()  # fmt: skip
    documents = max(len(rows), 1)
    counted: dict[str, int] = {}
    for _id, own_themes, own_regions in rows:
        for value in (*own_themes, *(f"r:{r}" for r in own_regions)):
            counted[value] = counted.get(value, 0) + 1
    total = collection_stats(set()).documents or documents
    bonus: dict[int, float] = {}
    for other, own_themes, own_regions in rows:
        if other == article_id:
            continue
        values = (*own_themes, *(f"r:{r}" for r in own_regions))
        # bm25 of one unscored term: idf x (K1 + 1) / (1 + K1 x (1 - B)) = idf x 1.69
        bonus[other] = sum(0.5 * 1.69 * (1 + log(total / (counted[v] + 1))) for v in values)
    return bonus


def complete_titles(text_: str, limit: int = 6) -> list[int]:
    """Return ids of articles whose title starts words with what was typed, best first."""
    analysis = current_analysis()
    parsed = parse(text_)
    if not parsed.words:
        return []
    *done, last = parsed.words
    parts = []
    for word in done:
        terms = analysis.terms(word)
        if terms is not None:
            parts.append(f"{quote(terms.joined)}:A")
    alternatives = [f"{quote(fold(last))}:*A"]
    last_terms = analysis.terms(last)
    if last_terms is not None:
        alternatives += [f"{quote(last_terms.joined)}:A", f"{quote(last_terms.joined)}:*A"]
    parts.append("(" + " | ".join(alternatives) + ")")
    found = db.session.scalars(
        text("SELECT article_id FROM search_document WHERE tsv @@ CAST(:q AS tsquery) "
             "ORDER BY ts_rank('{0, 0, 0, 1}', tsv, CAST(:q AS tsquery)) DESC, title_sort "
             "LIMIT :limit"),
        {"q": " & ".join(parts), "limit": limit},
    )  # fmt: skip
    return list(found)


# --- health and check-index -----------------------------------------------------------------


def health() -> tuple[bool, str]:
    """Tell whether the search documents are readable and as many as the published articles."""
    try:
        documents, published = counts()
    except Exception as exc:  # report, never raise, from the health check
        db.session.rollback()
        return False, f"zoektabel onleesbaar: {exc.__class__.__name__}"
    if documents != published:
        return False, (f"zoektabel wijkt af: {documents} documenten, {published} gepubliceerde "
                       "artikelen (herstel met kb reindex)")  # fmt: skip
    return True, f"{documents} artikelen in de zoektabel (PostgreSQL)"


def check_index() -> IndexReport:
    """Compare every published article with its search document; report, never raise."""
    healthy, message = health()
    report = IndexReport(healthy or "wijkt af" in message, message)
    try:
        head = db.session.scalar(select(func.max(IndexChange.id))) or 0
        # Written in the article's transaction: the search rows are always at the log's head.
        report.position = report.head = head
        indexed = indexed_versions()
    except Exception as exc:  # report the database trouble instead of crashing
        db.session.rollback()
        report.healthy = False
        report.message = f"{message}; zoektabel onleesbaar: {exc.__class__.__name__}"
        return report
    for article in published_articles():
        entry = indexed.pop(article.id, None)
        if entry is None:
            report.missing.append(article.slug)
        elif entry[1] != document(article)["version"]:
            report.stale.append(article.slug)
    report.extra = sorted(slug for slug, _ in indexed.values())
    if report.healthy and not (report.missing or report.extra or report.stale):
        report.message = f"{len(indexed_versions())} artikelen in de zoektabel (PostgreSQL)"
    return report
