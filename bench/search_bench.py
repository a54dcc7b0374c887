"""Search benchmark: Whoosh (the app's own search) against SQLite FTS5 built to the same standard.

Builds a synthetic corpus of N articles from the real articles' text and taxonomy, loads it into
a fresh SQLite database, and measures for each size, on both engines:

- ranking only: match, filters, top 20 by relevance (no facet counts, no snippets);
- full search: filters, counts for all five facets under the other facets' filters, top 20,
  snippets;
- after publish: the first full search after each publish (a publish between every two
  searches; Whoosh opens a new searcher, FTS5 sees its committed row);
- publish to searchable (Whoosh), and the rebuild of either.

Fair on purpose: FTS5 indexes the terms of the app's own Dutch analysis (folding, stemming,
compounds in parts, whole and joined) and runs the app's own built query (synonyms expanded)
translated to MATCH, with bm25 on the same field weights; facets are bit sets on both sides;
snippets come from the app's snippet() on both; the timed queries are a set the warm-up never
saw. Not expressible in FTS5: the lower weight of a synonym (FTS5 weighs columns, not terms).
With --postgresql the app's PostgreSQL search backend runs the same corpus and queries on a
throwaway PostgreSQL server (rows "pg ...", ratios also to FTS5).

    .venv/bin/python bench/search_bench.py                        # 1,000 / 10,000 / 50,000
    .venv/bin/python bench/search_bench.py --sizes 1000,10000     # sizes as you like
    .venv/bin/python bench/search_bench.py --sizes 10000 --json   # last line: a JSON list
    .venv/bin/python bench/search_bench.py --sizes 10000 --postgresql  # + the PostgreSQL backend
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from whoosh import query as wq  # noqa: E402

from kb import create_app, search  # noqa: E402
from kb.config import PROJECT_ROOT  # noqa: E402
from kb.content.files import read_articles  # noqa: E402
from kb.content.sync import sync_taxonomy  # noqa: E402
from kb.content.taxonomy import load_taxonomy  # noqa: E402
from kb.models import (  # noqa: E402
    Advice,
    Article,
    Kind,
    Region,
    Sector,
    Theme,
    article_advice,
    article_region,
    article_sector,
    article_theme,
    db,
)
from kb.publishing import commit_and_index, queue_for_index  # noqa: E402
from kb.queries import FACETS  # noqa: E402
from kb.search import ranking  # noqa: E402
from kb.search.analysis import TOKEN_RE, snippet, stem  # noqa: E402
from kb.search.bits import from_bits, to_bits, union  # noqa: E402
from kb.search.index import reader  # noqa: E402
from kb.search.query import FIELD_BOOSTS, build, parse  # noqa: E402
from tests.support.postgres import fresh_database, running_postgres  # noqa: E402

PUBLISH_SAMPLES = 40
WEIGHTS = tuple(FIELD_BOOSTS[f] for f in ("title", "labels", "summary", "body"))


# --- corpus ---------------------------------------------------------------------------------


def real_articles() -> tuple[list[Any], Any]:
    """Return the parseable real articles and the taxonomy (problems are irrelevant here)."""
    taxonomy, _ = load_taxonomy(PROJECT_ROOT / "content" / "taxonomy")
    articles, _ = read_articles(PROJECT_ROOT / "content" / "articles", taxonomy)
    return [a for a in articles if a.rendered is not None], taxonomy


def synthetic(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Return n articles mixed from the real ones, each as long as the real one it starts from.

    A synthetic article keeps a real article's title (numbered), kind and summary, and its body
    sentence by sentence, with about one sentence in three swapped for one from another real
    article; its taxonomy is the real one's plus a random theme, region and sector.
    """
    rng = random.Random(seed)
    articles, taxonomy = real_articles()
    sentences = [re.split(r"(?<=[.!?])\s+", a.rendered.text) for a in articles]
    pool = [s for article in sentences for s in article]
    regions, themes = list(taxonomy.regions), list(taxonomy.themes)
    sectors = list(taxonomy.sectors)
    start = datetime(2015, 1, 1)
    corpus = []
    for i in range(n):
        base = rng.randrange(len(articles))
        source = articles[base]
        body = [s if rng.random() > 0.33 else rng.choice(pool) for s in sentences[base]]
        corpus.append(
            {
                "slug": f"synthetisch-{i}",
                "title": f"{source.title} ({i})",
                "kind": source.kind,
                "summary": source.summary,
                "body": " ".join(body),
                "themes": list(dict.fromkeys(source.themes[:2] + [rng.choice(themes)])),
                "regions": list(dict.fromkeys(source.regions[:1] + [rng.choice(regions)])),
                "advice": sorted(set(source.advice[:2])),
                "sectors": list(dict.fromkeys(source.sectors[:1] + rng.sample(sectors, 1))),
                "updated": start + timedelta(minutes=rng.randrange(5_000_000)),
            }
        )
    return corpus


def queries(corpus: list[dict[str, Any]], count: int = 240, seed: int = 11) -> list[dict]:
    """Return queries from the corpus vocabulary: words, pairs, phrases, abbreviations, filters.

    Different seeds give different queries: the timed pass uses queries the warm-up never saw.
    """
    rng = random.Random(seed)
    words = [w for d in corpus[:2000] for w in TOKEN_RE.findall(d["title"]) if len(w) > 5]
    fixed = [
        "OZA", "thuiszitters", "onderwijszorgarrangement", "onderwijs zorgarrangement",
        "jeugdhulp op school", "passend onderwijs", "Den Bosch", "18+", "17-jarigen",
        "warme overdracht", "samenwerkingsverband", "wijkteam", "leerplicht", "mbo",
        "jongerenplan", "Fryslân", "monitor", "financiering", "ouders", "preventie",
        '"elke school"', '"passend onderwijs"', "school -mbo",
    ]  # fmt: skip
    out: list[dict] = []
    for i in range(count):
        kind = i % 6
        if kind == 0:
            text = rng.choice(fixed)
        elif kind == 1:
            text = rng.choice(words)
        elif kind == 2:
            text = f"{rng.choice(words)} {rng.choice(words)}"
        elif kind == 3:
            doc = rng.choice(corpus)
            tokens = TOKEN_RE.findall(doc["title"])
            at = rng.randrange(max(1, len(tokens) - 1))
            text = f'"{" ".join(tokens[at : at + 2])}"'
        else:
            text = rng.choice(fixed + words)
        filters: dict[str, list[str]] = {}
        if i % 3 == 0:
            doc = rng.choice(corpus)
            filters = {"theme": doc["themes"][:1]}
            if i % 2 == 0:
                filters["region"] = doc["regions"][:1]
        out.append({"q": text, "filters": filters, "class": query_class(text, filters)})
    return out


def query_class(text: str, filters: dict[str, list[str]]) -> str:
    """Return the shape of a query: phrase, exclusion, one word or several, with or without
    filters (the per-class table shows which shape is slowest)."""
    if text.startswith('"'):
        shape = "phrase"
    elif " -" in text:
        shape = "exclusion"
    else:
        shape = "one word" if len(TOKEN_RE.findall(text)) == 1 else "several words"
    return shape + (" + filter" if filters else "")


# --- the app side ---------------------------------------------------------------------------


def make_app(tmp: Path, **settings: str) -> Flask:
    """Create an app on a fresh SQLite file and index in tmp, with the real taxonomy."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
            "INDEX_DIR": str(tmp / "index"),
            "CONTENT_DIR": str(PROJECT_ROOT / "content"),
            **settings,
        }
    )
    with app.app_context():
        upgrade()
        taxonomy, _ = load_taxonomy(PROJECT_ROOT / "content" / "taxonomy")
        sync_taxonomy(taxonomy)
        db.session.commit()
    return app


def load_corpus(corpus: list[dict[str, Any]]) -> None:
    """Insert the corpus with bulk statements (the ORM would dominate the timing otherwise)."""
    ids = {
        model: dict(db.session.execute(select(model.slug, model.id)).all())
        for model in (Kind, Theme, Region, Sector)
    }
    numbers = set(db.session.scalars(select(Advice.number)))
    rows, links = [], {"theme": [], "region": [], "sector": [], "advice": []}
    for n, doc in enumerate(corpus, start=1):
        rows.append({"id": n, "slug": doc["slug"], "title": doc["title"],
                     "kind_id": ids[Kind][doc["kind"]], "summary": doc["summary"],
                     "body_md": doc["body"], "body_html": doc["body"], "body_text": doc["body"],
                     "status": "published", "origin": "content", "checksum": "",
                     "created_at": doc["updated"], "updated_at": doc["updated"]})  # fmt: skip
        links["theme"] += [{"article_id": n, "theme_id": ids[Theme][t]} for t in doc["themes"]]
        links["region"] += [{"article_id": n, "region_id": ids[Region][r]} for r in doc["regions"]]
        links["sector"] += [{"article_id": n, "sector_id": ids[Sector][s]} for s in doc["sectors"]]
        links["advice"] += [{"article_id": n, "advice_number": a} for a in doc["advice"]
                            if a in numbers]  # fmt: skip
    db.session.execute(insert(Article), rows)
    for name, table in (("theme", article_theme), ("region", article_region),
                        ("sector", article_sector), ("advice", article_advice)):  # fmt: skip
        if links[name]:
            db.session.execute(insert(table), links[name])
    db.session.commit()


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Return (p50, p95) in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def by_class(runs: list[dict], samples: list[float]) -> dict[str, list[float]]:
    """Return query class -> [p50, p95, count] of the samples of its runs."""
    grouped: dict[str, list[float]] = {}
    for run, sample in zip(runs, samples, strict=True):
        grouped.setdefault(run["class"], []).append(sample)
    return {name: [*percentiles(values), len(values)] for name, values in sorted(grouped.items())}


def timed(warm: list[dict], runs: list[dict], call: Callable[[dict], Any]) -> list[float]:
    """Warm up on one set of queries, then time call(run) for every run of another set."""
    for run in warm:
        call(run)
    samples = []
    for run in runs:
        started = time.perf_counter()
        call(run)
        samples.append(time.perf_counter() - started)
    return samples


class Engine:
    """One side of the comparison: rank only, search in full, and publish a change."""

    def rank(self, run: dict) -> Any:
        raise NotImplementedError

    def full(self, run: dict) -> Any:
        raise NotImplementedError

    def publish(self, doc_id: int, marker: str) -> None:
        raise NotImplementedError


def measure_engine(engine: Engine, warm: list[dict], runs: list[dict], n: int) -> dict:
    """Time ranking only and full search on unseen queries; then the first full search after
    each of PUBLISH_SAMPLES publishes (a publish between every two searches)."""
    ranking = timed(warm, runs, engine.rank)
    out = {"rank": percentiles(ranking), "full": percentiles(timed(warm, runs, engine.full))}
    out["rank_by_class"] = by_class(runs, ranking)
    rng = random.Random(3)
    after = []
    for sample in range(PUBLISH_SAMPLES):
        engine.publish(rng.randrange(1, n + 1), f"bench{sample}x{rng.randrange(10**6)}")
        run = runs[sample % len(runs)]
        started = time.perf_counter()
        engine.full(run)
        after.append(time.perf_counter() - started)
    out["after_publish"] = percentiles(after)
    return out


class WhooshEngine(Engine):
    """The app's own search, as `/zoeken` calls it (in an app context; the PostgreSQL side runs
    it with SEARCH_BACKEND="postgresql")."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def rank(self, run: dict) -> Any:
        return search.search(run["q"], run["filters"], facets=False, snippets=False)

    def full(self, run: dict) -> Any:
        return search.search(run["q"], run["filters"])

    def publish(self, doc_id: int, marker: str) -> None:
        article = db.session.get(Article, doc_id)
        article.title = f"{article.title} {marker}"
        queue_for_index(article)
        commit_and_index()


def whoosh_side(app: Flask, corpus: list[dict[str, Any]], warm: list[dict], runs: list[dict]):
    """Build, publish and query with the app's own search code."""
    with app.app_context():
        load_corpus(corpus)
        started = time.perf_counter()
        search.rebuild()
        rebuild_s = time.perf_counter() - started
        out = measure_engine(WhooshEngine(app), warm, runs, len(corpus))
        out["rebuild_s"] = rebuild_s
        out["publish"] = percentiles(publish_to_searchable(app, len(corpus)))
    return out


def postgresql_side(
    tmp: Path, url: str, corpus: list[dict[str, Any]], warm: list[dict], runs: list[dict]
) -> dict[str, Any]:
    """The app's PostgreSQL search backend on the same corpus and queries: rebuild (every
    search document), then the same runs; a publish writes its row in its own transaction."""
    app = make_app(tmp, DATABASE_URL=url, SEARCH_BACKEND="postgresql")
    with app.app_context():
        load_corpus(corpus)
        started = time.perf_counter()
        search.rebuild()
        rebuild_s = time.perf_counter() - started
        out = measure_engine(WhooshEngine(app), warm, runs, len(corpus))
        out["rebuild_s"] = rebuild_s
        db.session.remove()
        db.engine.dispose()
    return out


def publish_to_searchable(app: Flask, n: int) -> list[float]:
    """Edit, commit and index articles one by one; time until a reader finds each change.

    The reader is a second thread with its own searcher, as another gunicorn worker would be:
    it sees the change when the index commit lands, not when the publishing call returns
    (which may go on to merge small segments).
    """
    rng = random.Random(5)
    samples = []
    for sample in range(PUBLISH_SAMPLES):
        article = db.session.get(Article, rng.randrange(1, n + 1))
        marker = f"zichtbaar{sample}x{rng.randrange(10**6)}"
        seen: list[float] = []
        started = time.perf_counter()

        def poll(
            article_id: int = article.id,
            marker: str = marker,
            seen: list = seen,
            t0: float = started,
        ) -> None:
            with app.app_context():
                while time.perf_counter() - t0 < 10:
                    if article_id in search.search(marker, facets=False, snippets=False).ids:
                        seen.append(time.perf_counter() - t0)
                        return
                    time.sleep(0.002)

        reader_thread = threading.Thread(target=poll)
        reader_thread.start()
        article.title = f"{article.title} {marker}"
        queue_for_index(article)
        commit_and_index()
        reader_thread.join()
        if not seen:
            raise RuntimeError("published article not searchable after 10 s")
        samples.append(seen[0])
    return samples


# --- the FTS5 baseline, built to the same standard ---------------------------------------------
#
# Same analysis: every field is indexed as the terms the app's Dutch analysis gives (folded,
# stemmed, compounds in parts, whole and joined across a space); the parts in a column of
# their own (`title`) for phrases, the other forms in a twin column (`title_x`). The query is
# the app's own built query (synonyms and compounds expanded) translated to an FTS5 MATCH.
# Same facets: bit sets per facet value, counted as `kb.search.ranking` counts them. Same
# snippets: the app's snippet() on the stored text of the twenty shown.

TEXT_FIELDS = ("title", "labels", "summary", "body")


def analysed(analysis: Any, text: str) -> tuple[str, str]:
    """Return (phrase terms, other terms) of a text, as the index analyses it."""
    main: list[str] = []
    extra: list[str] = []
    previous = None
    for token in TOKEN_RE.findall(text):
        terms = analysis.terms(token)
        if terms is None:
            previous = None
            continue
        if (previous is not None and previous.joinable and terms.joinable
                and not terms.surface.isdigit()
                and len(previous.surface) + len(terms.surface) >= 8):  # fmt: skip
            extra.append(stem(previous.surface + terms.surface))
        sequence = list(terms.leaves or (terms.joined,))
        main += sequence
        extra += [t for t in terms.all_terms() if t not in sequence]
        previous = terms
    return " ".join(main), " ".join(extra)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(query: Any) -> str | None:
    """Translate a built whoosh query to FTS5 (None: match everything)."""
    if isinstance(query, wq.Every):
        return None
    if isinstance(query, wq.Term):
        return f"{{{query.fieldname} {query.fieldname}_x}} : {_quote(query.text)}"
    if isinstance(query, wq.Phrase):
        return f"{query.fieldname} : {_quote(' '.join(query.words))}"
    if isinstance(query, wq.Or | wq.And):
        parts = [p for p in map(fts_query, query.subqueries) if p]
        joiner = " OR " if isinstance(query, wq.Or) else " AND "
        return "(" + joiner.join(parts) + ")" if parts else None
    raise TypeError(f"no FTS5 form for {query!r}")


class FtsEngine(Engine):
    """SQLite FTS5 with the app's analysis, bit-set facets and snippets."""

    def __init__(self, corpus: list[dict[str, Any]], tmp: Path, app: Flask) -> None:
        self.app = app
        with app.app_context():
            self.analysis = reader().analysis
            self.synonyms = ranking._synonyms(reader())
        self.con = sqlite3.connect(tmp / "fts.sqlite", check_same_thread=False)
        self.con.execute("PRAGMA journal_mode=WAL")
        columns = ", ".join(f"{f}, {f}_x" for f in TEXT_FIELDS)
        self.con.execute(
            f"CREATE VIRTUAL TABLE fts USING fts5({columns}, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )
        self.con.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, text TEXT, updated REAL)")
        self.facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        self.docs = {n: doc for n, doc in enumerate(corpus, start=1)}
        started = time.perf_counter()
        for n, doc in self.docs.items():
            self._write(n, doc)
        self.con.commit()
        self.rebuild_s = time.perf_counter() - started
        self.live = (1 << (len(corpus) + 1)) - 2
        weights = ", ".join(f"{w}, {w}" for w in WEIGHTS)
        self.rank_sql = f"SELECT rowid, bm25(fts, {weights}) FROM fts WHERE fts MATCH ?"

    def _fields(self, doc: dict[str, Any]) -> dict[str, str]:
        labels = " ".join(doc["themes"] + doc["regions"] + [doc["kind"]])
        return {"title": doc["title"], "labels": labels, "summary": doc["summary"],
                "body": doc["body"]}  # fmt: skip

    def _write(self, n: int, doc: dict[str, Any]) -> None:
        values = []
        for text in self._fields(doc).values():
            values += analysed(self.analysis, text)
        marks = ", ".join("?" * (1 + len(values)))
        self.con.execute(f"INSERT INTO fts (rowid, {', '.join(self._columns())}) VALUES ({marks})",
                         [n, *values])  # fmt: skip
        text = f"{doc['summary']}\n\n{doc['body']}"
        self.con.execute("INSERT OR REPLACE INTO doc VALUES (?, ?, ?)",
                         (n, text, doc["updated"].timestamp()))  # fmt: skip
        pairs = [("kind", doc["kind"])] + [("theme", t) for t in doc["themes"]]
        pairs += [("region", r) for r in doc["regions"]] + [("sector", s) for s in doc["sectors"]]
        pairs += [("advice", str(a)) for a in doc["advice"]]
        for name, value in pairs:
            self.facets[name][value] = self.facets[name].get(value, 0) | (1 << n)

    def _columns(self) -> list[str]:
        return [c for f in TEXT_FIELDS for c in (f, f"{f}_x")]

    def _match(self, run: dict) -> tuple[Any, int, dict[int, float]]:
        built = build(self.analysis, parse(run["q"]), self.synonyms)
        match = fts_query(built.query)
        if match is None:
            scores = {n: 0.0 for n in self.docs}
        else:
            scores = dict(self.con.execute(self.rank_sql, [match]).fetchall())
        matched = to_bits(scores, len(self.docs) + 1) & self.live
        if built.excluded is not None:
            excluded = fts_query(built.excluded)
            if excluded:
                rows = self.con.execute("SELECT rowid FROM fts WHERE fts MATCH ?", [excluded])
                matched &= ~to_bits((r[0] for r in rows), len(self.docs) + 1)
        return built, matched, scores

    def _selected(self, run: dict) -> dict[str, int]:
        return {name: union(self.facets[name].get(v, 0) for v in values)
                for name, values in run["filters"].items()}  # fmt: skip

    def rank(self, run: dict) -> Any:
        _built, matched, scores = self._match(run)
        for mask in self._selected(run).values():
            matched &= mask
        docs = from_bits(matched)
        return heapq.nsmallest(20, docs, key=scores.__getitem__)

    def full(self, run: dict) -> Any:
        built, matched, scores = self._match(run)
        selected = self._selected(run)
        counts = {}
        for name in FACETS:
            base = matched
            for other, mask in selected.items():
                if other != name:
                    base &= mask
            pairs = ((v, (base & m).bit_count()) for v, m in self.facets[name].items())
            counts[name] = {v: c for v, c in pairs if c}
        hits = matched
        for mask in selected.values():
            hits &= mask
        top = heapq.nsmallest(20, from_bits(hits), key=scores.__getitem__)
        snippets = {}
        if top:
            marks = ",".join("?" * len(top))
            rows = self.con.execute(f"SELECT id, text FROM doc WHERE id IN ({marks})", top)
            enough = max(1, built.word_count)
            snippets = {i: snippet(self.analysis, t, built.wanted, enough) for i, t in rows}
        return top, hits.bit_count(), counts, snippets

    def publish(self, doc_id: int, marker: str) -> None:
        doc = dict(self.docs[doc_id], title=f"{self.docs[doc_id]['title']} {marker}")
        self.docs[doc_id] = doc
        self.con.execute("DELETE FROM fts WHERE rowid = ?", [doc_id])
        self._write(doc_id, doc)
        self.con.commit()


def fts_side(app: Flask, corpus: list[dict[str, Any]], warm: list[dict], runs: list[dict],
             tmp: Path) -> dict[str, Any]:  # fmt: skip
    """Build FTS5 on the same corpus and run the same queries."""
    engine = FtsEngine(corpus, tmp, app)
    with app.app_context():
        out = measure_engine(engine, warm, runs, len(corpus))
    out["rebuild_s"] = engine.rebuild_s
    engine.con.close()
    return out


# --- report ---------------------------------------------------------------------------------

ROWS = (("rank", "ranking only"), ("full", "full search"), ("after_publish", "after publish"))


def measure(n: int, count: int, postgresql: str | None = None) -> dict[str, Any]:
    """Run both engines (and the PostgreSQL backend, given a server URL) on a corpus of n
    articles; return one result row."""
    tmp = Path(tempfile.mkdtemp(prefix=f"kb-bench-{n}-"))
    pg = None
    try:
        corpus = synthetic(n)
        warm, runs = queries(corpus, count, seed=11), queries(corpus, count, seed=12)
        app = make_app(tmp)
        whoosh = whoosh_side(app, corpus, warm, runs)
        fts = fts_side(app, corpus, warm, runs, tmp)
        if postgresql:
            url = fresh_database(postgresql, f"bench_{n}")
            pg = postgresql_side(tmp / "pg", url, corpus, warm, runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    row: dict[str, Any] = {"n": n, "queries": len(runs)}
    for key, _label in ROWS:
        row[f"{key}_p50_ms"], row[f"{key}_p95_ms"] = (round(v, 2) for v in whoosh[key])
        row[f"fts5_{key}_p50_ms"], row[f"fts5_{key}_p95_ms"] = (round(v, 2) for v in fts[key])
    row["publish_to_searchable_p50_ms"] = round(whoosh["publish"][0], 1)
    row["publish_to_searchable_p95_ms"] = round(whoosh["publish"][1], 1)
    row["rebuild_s"] = round(whoosh["rebuild_s"], 2)
    row["fts5_rebuild_s"] = round(fts["rebuild_s"], 2)
    row["rank_by_class"] = {"whoosh": whoosh["rank_by_class"], "fts5": fts["rank_by_class"]}
    if pg is not None:
        row["rank_by_class"]["pg"] = pg["rank_by_class"]
        for key, _label in ROWS:
            row[f"pg_{key}_p50_ms"], row[f"pg_{key}_p95_ms"] = (round(v, 2) for v in pg[key])
        row["pg_rebuild_s"] = round(pg["rebuild_s"], 2)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """Return the results as a text table with ratios to FTS5 (above 1: Whoosh is slower)."""
    lines = [
        f"{'n':>7} {'run':<14} {'whoosh p50':>11} {'p95':>9} {'fts5 p50':>9} {'p95':>9} "
        f"{'ratio p50':>9} {'p95':>6}"
    ]
    for row in rows:
        for key, label in ROWS:
            w50, w95 = row[f"{key}_p50_ms"], row[f"{key}_p95_ms"]
            f50, f95 = row[f"fts5_{key}_p50_ms"], row[f"fts5_{key}_p95_ms"]
            lines.append(
                f"{row['n']:>7} {label:<14} {w50:>9.2f}ms {w95:>7.2f}ms {f50:>7.2f}ms "
                f"{f95:>7.2f}ms {w50 / f50:>8.2f}x {w95 / f95:>5.2f}x"
            )
        for key, label in ROWS if "pg_rebuild_s" in row else ():
            p50, p95 = row[f"pg_{key}_p50_ms"], row[f"pg_{key}_p95_ms"]
            f50, f95 = row[f"fts5_{key}_p50_ms"], row[f"fts5_{key}_p95_ms"]
            lines.append(
                f"{row['n']:>7} {'pg ' + label:<14} {p50:>9.2f}ms {p95:>7.2f}ms {f50:>7.2f}ms "
                f"{f95:>7.2f}ms {p50 / f50:>8.2f}x {p95 / f95:>5.2f}x"
            )
        lines.append(
            f"{row['n']:>7} publish-to-searchable p50 {row['publish_to_searchable_p50_ms']} ms, "
            f"p95 {row['publish_to_searchable_p95_ms']} ms; rebuild {row['rebuild_s']} s "
            f"(FTS5 {row['fts5_rebuild_s']} s"
            + (f", PostgreSQL {row['pg_rebuild_s']} s" if "pg_rebuild_s" in row else "")
            + f"); {row['queries']} timed queries"
        )
        lines.extend(class_table(row))
    return "\n".join(lines)


def class_table(row: dict[str, Any]) -> list[str]:
    """Return the ranking-only lines per query class (p50/p95 in ms), slowest Whoosh p95 first."""
    classes = row["rank_by_class"]
    engines = list(classes)
    lines = [f"{row['n']:>7} ranking only by query class (n, p50/p95 ms): " + ", ".join(engines)]
    for name, _ in sorted(classes["whoosh"].items(), key=lambda item: -item[1][1]):
        cells = [f"{classes[e][name][0]:7.2f} /{classes[e][name][1]:7.2f}" for e in engines]
        lines.append(f"{'':>7}   {name:<24} {classes['whoosh'][name][2]:>3}  " + "   ".join(cells))
    return lines


def main() -> None:
    """Parse arguments, run every size, print a table (or JSON as the last line)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated sizes")
    parser.add_argument("--queries", type=int, default=240, help="timed queries per run")
    parser.add_argument("--json", action="store_true", help="print a JSON list as the last line")
    parser.add_argument(
        "--postgresql", action="store_true", help="also run the PostgreSQL search backend"
    )
    args = parser.parse_args()
    rows = []
    with running_postgres() if args.postgresql else nullcontext() as server:
        for n in (int(s) for s in args.sizes.split(",")):
            rows.append(measure(n, args.queries, server))
            print(table(rows[-1:]), file=sys.stderr if args.json else sys.stdout, flush=True)
    if args.json:
        print(json.dumps(rows))
    else:
        print()
        print(table(rows))


if __name__ == "__main__":
    main()
