"""Run a search in PostgreSQL: match, facet counts, ranking, snippets and "Bedoelde u".

The same steps as `kb.search.ranking` (all words; the corrected query when nothing matched; any
word when still nothing; the count without filters), on the rows of `kb.search.pgstore`:
matching and facet counts are one SQL statement (a GIN lookup, then each facet counted under
the other facets' filters: OR within a facet, AND across), ranking scores the hits with the
Whoosh backend's BM25F from their term positions (`kb.search.pgquery`), snippets come from the
shared snippet code.
"""

# ruff: noqa: S608 -- the SQL text is put together from constants only (facet names from
# kb.queries.FACETS, field weights, fixed ORDER BY clauses); every value is a bound parameter.

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from whoosh import query as wq

from kb import changes
from kb.models import db
from kb.queries import FACETS, catalogue, synonym_groups
from kb.search import pgspell
from kb.search.analysis import DutchAnalysis, snippet
from kb.search.pgquery import Doc, Plan, Stats, doc_from_rows, leaves, plan, plan_score, tsquery
from kb.search.pgspell import corrections
from kb.search.pgstore import FIELDS, WEIGHTS, current_analysis, quote
from kb.search.query import (
    BuiltQuery,
    Synonyms,
    Vocabulary,
    build,
    compile_synonyms,
    corrected_text,
    parse,
)
from kb.search.ranking import SearchResult, concept_index

SCORE_LIMIT = 300  # hits scored exactly; beyond this ts_rank picks which ones (common words)
RANK_WEIGHTS = "{0.1667, 0.3333, 0.5, 1.0}"  # ts_rank's {D, C, B, A}: the Whoosh field boosts


def search(
    text_: str,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
    snippets: bool = True,
) -> SearchResult:
    """Search published articles; values within a facet OR, facets AND."""
    analysis = current_analysis()
    filters = {k: [str(v) for v in vs] for k, vs in (filters or {}).items() if k in FACETS and vs}
    parsed = parse(text_)
    synonyms = _synonyms(analysis)
    known = Vocabulary(pgspell.known, concept_index(analysis, catalogue()), pgspell.share)
    built = build(analysis, parsed, synonyms, vocabulary=known)
    result = _run(built, filters, facets)
    # A word a rule resolved (a split compound, a cognate) is no typo, unless nothing was found.
    resolved = built.resolved if result.total else frozenset()
    found = corrections(analysis, parsed, synonyms, resolved)
    if found:
        result.suggestion = corrected_text(text_, found)
    if not result.total and found:
        fixed = parse(result.suggestion or "")
        built_fixed = build(analysis, fixed, synonyms, vocabulary=known)
        fixed_result = _run(built_fixed, filters, facets)
        if fixed_result.total:
            fixed_result.suggestion, fixed_result.corrected = result.suggestion, True
            result, built, parsed = fixed_result, built_fixed, fixed
    if not result.total and len(parsed.words) > 1:
        any_built = build(analysis, parsed, synonyms, match_all=False, vocabulary=known)
        any_result = _run(any_built, filters, facets, match_all=False)
        if any_result.total:
            any_result.suggestion, any_result.corrected = result.suggestion, result.corrected
            any_result.match_all = False
            result, built = any_result, any_built
    if not result.total and filters:
        result.unfiltered_total = _run(built, {}, False, result.match_all).total
    if result.total:
        _rank(analysis, result, built, filters, sort, page, per_page, snippets)
    if not facets:
        result.facets = {}
    return result


def _synonyms(analysis: DutchAnalysis) -> Synonyms:
    return compile_synonyms(analysis, synonym_groups())


# --- matching and facets --------------------------------------------------------------------


def _match(built: BuiltQuery, match_all: bool, params: dict[str, Any], alias: str = "d") -> str:
    """Return the WHERE condition of the query's matches (binding its tsqueries in params).

    With a minimum below all clauses: any clause through the GIN index, then the number of
    clauses held; `full` (in params) is the SQL telling whether a document holds them all.
    """
    conditions = ["TRUE"]
    p = plan(built.query, match_all, built)
    params["full"] = "TRUE"
    if p.partial:
        params["q"] = tsquery(wq.Or(p.clauses))
        held = " + ".join(
            f"CAST({alias}.tsv @@ CAST(:c{i} AS tsquery) AS int)" for i in range(len(p.clauses))
        )
        params.update({f"c{i}": tsquery(clause) for i, clause in enumerate(p.clauses)})
        params["minimum"] = p.minimum
        conditions += [f"{alias}.tsv @@ CAST(:q AS tsquery)", f"({held}) >= :minimum"]
        params["full"] = f"({held}) = {len(p.clauses)}"
        if p.required:
            params["r"] = tsquery(wq.And(p.required))
            conditions.append(f"{alias}.tsv @@ CAST(:r AS tsquery)")
    else:
        positive = tsquery(built.query)
        if positive is not None:
            params["q"] = positive
            conditions.append(f"{alias}.tsv @@ CAST(:q AS tsquery)")
    if built.excluded is not None:
        excluded = tsquery(built.excluded)
        if excluded is not None:
            params["x"] = excluded
            conditions.append(f"NOT ({alias}.tsv @@ CAST(:x AS tsquery))")
    return " AND ".join(conditions)


def _filter(name: str, alias: str = "m") -> str:
    if name == "kind":
        return f"{alias}.kind = ANY(CAST(:f_kind AS text[]))"
    return f"{alias}.{name} && CAST(:f_{name} AS text[])"


def _filters(filters: dict[str, list[str]], params: dict[str, Any], alias: str = "m",
             skip: str = "") -> str:  # fmt: skip
    conditions = ["TRUE"]
    for name, values in filters.items():
        params[f"f_{name}"] = values
        if name != skip:
            conditions.append(_filter(name, alias))
    return " AND ".join(conditions)


def _run(
    built: BuiltQuery, filters: dict[str, list[str]], count: bool = True, match_all: bool = True
) -> SearchResult:
    """Count the matches under the filters and every facet under the other facets' filters."""
    params: dict[str, Any] = {}
    where = _match(built, match_all, params)
    full = params.pop("full")
    parts = [f"SELECT '' AS facet, CAST(count(*) FILTER (WHERE m.full) AS text) AS value, "
             f"count(*) AS n FROM m WHERE {_filters(filters, params)}"]  # fmt: skip
    for name in FACETS if count else ():
        others = _filters(filters, params, skip=name)
        if name == "kind":
            parts.append(f"SELECT 'kind', m.kind, count(*) FROM m WHERE {others} GROUP BY m.kind")
        else:
            parts.append(f"SELECT '{name}', v, count(*) FROM m CROSS JOIN unnest(m.{name}) AS v "
                         f"WHERE {others} GROUP BY v")  # fmt: skip
    sql = (
        "WITH m AS MATERIALIZED (SELECT d.article_id, d.kind, d.theme, d.advice, d.region, "
        f"d.sector, {full} AS full FROM search_document d WHERE {where}) "
        + " UNION ALL ".join(parts)
    )
    total, full_count = 0, 0
    facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for facet, value, n in db.session.execute(text(sql), params):
        if facet == "":
            total, full_count = int(n), int(value)
        elif n:
            facets[facet][value] = int(n)
    result = SearchResult(ids=[], total=total, facets=facets if count else {})
    if plan(built.query, match_all, built).partial:
        # Truthful: "not every word" only when no hit holds every word.
        result.match_all = full_count > 0
    return result


# --- ranking --------------------------------------------------------------------------------


def _rank(
    analysis: DutchAnalysis,
    result: SearchResult,
    built: BuiltQuery,
    filters: dict[str, list[str]],
    sort: str,
    page: int,
    per_page: int,
    snippets: bool,
) -> None:
    """Put one page of hits in order and add their snippets."""
    params: dict[str, Any] = {}
    where = f"{_match(built, result.match_all, params)} AND {_filters(filters, params, alias='d')}"
    params.pop("full")
    start, wanted = (page - 1) * per_page, page * per_page
    if sort == "relevance" and not isinstance(built.query, wq.Every):
        p = plan(built.query, result.match_all, built)
        ids = ranked(built.query, where, params, result.total, p=p)[start:wanted]
    else:
        order = "d.title_sort, d.article_id" if sort == "title" else "d.updated DESC, d.article_id"
        params.update(limit=per_page, offset=start)
        sql = (f"SELECT d.article_id FROM search_document d WHERE {where} "
               f"ORDER BY {order} LIMIT :limit OFFSET :offset")  # fmt: skip
        ids = [row[0] for row in db.session.execute(text(sql), params)]
    result.ids = ids
    if snippets and ids:
        texts = dict(db.session.execute(
            text("SELECT article_id, text FROM search_document WHERE article_id = ANY(:ids)"),
            {"ids": ids},
        ).all())  # fmt: skip
        enough = max(1, built.word_count)
        result.snippets = {
            i: snippet(analysis, texts.get(i, ""), built.wanted, enough) for i in ids
        }


def ranked(query: wq.Query, where: str, params: dict[str, Any], total: int,
           bonus: dict[int, float] | None = None, p: Plan | None = None) -> list[int]:  # fmt: skip
    """Return the ids of the documents matching `where`, best first by the query's BM25F score
    (under the plan: coordination and phrase bonus, when given).

    bonus adds to a document's score ("Meer zoals dit": shared themes and regions).
    """
    p = p or plan(query, True)
    terms = {term for node in (query, *p.nodes()) for term in leaves(node)}
    lexemes = sorted({lexeme for _field, lexeme in terms})
    params = dict(params, lexemes=lexemes, limit=SCORE_LIMIT)
    pick = ""
    if total > SCORE_LIMIT and "q" in params:
        pick = f"ORDER BY ts_rank('{RANK_WEIGHTS}', d.tsv, CAST(:q AS tsquery)) DESC LIMIT :limit"
    sql = (
        f"WITH h AS (SELECT d.article_id, d.lengths, d.updated, d.tsv FROM search_document d "
        f"WHERE {where} {pick}) "
        "SELECT h.article_id, h.lengths, h.updated, u.lexeme, u.positions, u.weights FROM h "
        "LEFT JOIN LATERAL unnest(h.tsv) AS u ON u.lexeme = ANY(CAST(:lexemes AS text[]))"
    )
    docs: dict[int, tuple[list[int], int, list[tuple[str, list[int], list[str]]]]] = {}
    for article_id, lengths, updated, lexeme, positions, weights in db.session.execute(
        text(sql), params
    ):
        entry = docs.setdefault(article_id, (lengths, updated, []))
        if lexeme is not None:
            entry[2].append((lexeme, positions, weights))
    stats = collection_stats(terms)
    scored = []
    for article_id, (lengths, updated, rows) in docs.items():
        doc: Doc = doc_from_rows(lengths, rows)
        value = plan_score(p, query, stats, doc) + (bonus or {}).get(article_id, 0.0)
        # Recency breaks ties between equal scores; rounding makes near-equal scores tie.
        scored.append((-round(value, 4), -updated, article_id))
    scored.sort()
    return [article_id for _s, _u, article_id in scored]


def collection_stats(terms: set[tuple[str, str]]) -> Stats:
    """Return documents, average field lengths (cached per process until the next change) and
    the terms' document frequencies per field (kept for FREQUENCY_CHANGES changes: they barely
    move with one publish, and counting a common term reads many rows)."""
    cache: dict[str, Any] = changes.cached("pgsearch-stats", dict)
    if "documents" not in cache:
        averages = ", ".join(f"coalesce(avg(lengths[{i + 1}]), 0)" for i in range(len(FIELDS)))
        row = db.session.execute(text(f"SELECT count(*), {averages} FROM search_document")).one()
        cache["average"] = dict(zip(FIELDS, map(float, row[1:]), strict=True))
        cache["documents"] = int(row[0])
    key = (str(db.engine.url), changes.current() // FREQUENCY_CHANGES)
    frequency = _frequencies.get(key)
    if frequency is None:
        _frequencies.clear()
        frequency = _frequencies[key] = {}
    missing = sorted(terms - frequency.keys())
    if missing:
        # One pass over the documents holding any of the terms (found through the GIN index),
        # counting each term per field: each tsvector is read once, not once per term.
        columns = ", ".join(
            f"count(*) FILTER (WHERE d.tsv @@ CAST(:w{i} AS tsquery))" for i in range(len(missing))
        )
        params = {f"w{i}": f"{quote(lexeme)}:{WEIGHTS[field]}"
                  for i, (field, lexeme) in enumerate(missing)}  # fmt: skip
        params["any"] = " | ".join(sorted({quote(lexeme) for _f, lexeme in missing}))
        values = db.session.execute(
            text(f"SELECT {columns} FROM search_document d WHERE d.tsv @@ CAST(:any AS tsquery)"),
            params,
        ).one()
        if len(frequency) > 50_000:
            frequency.clear()
        frequency.update(zip(missing, map(int, values), strict=True))
    return Stats(cache["documents"] or 1, cache["average"], frequency)


FREQUENCY_CHANGES = 64
_frequencies: dict[tuple[str, int], dict[tuple[str, str], int]] = {}
