"""Search benchmark: Whoosh (the app's own search) against SQLite FTS5 on the same corpus.

Builds a synthetic corpus of N articles from the real articles' text and taxonomy, loads it into
a fresh SQLite database, and measures for each size:

- rebuild: `search.rebuild()` (the `kb reindex` path) from the database; FTS5: stem and insert;
- publish to searchable: change an article, commit, apply the outbox; a second thread with its
  own searcher (like another worker) searches until it finds the change;
- query latency p50/p95 over the same >= 200 queries on both engines, in three runs:
  plain (top 20), with filters (top 20 within facet filters), and full (filters where the
  query has them, facet counts for all five facets under the other facets' filters, snippets).

FTS5 is built to the same standard: Dutch Snowball stemming (the same stemmer) applied to
documents and queries, bm25 with the same field weights, facet counts by GROUP BY, snippet().

    .venv/bin/python bench/search_bench.py                       # 1,000 / 10,000 / 50,000
    .venv/bin/python bench/search_bench.py --sizes 10000 --json  # last line: a JSON list
"""

from __future__ import annotations

import argparse
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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

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
from kb.search.analysis import TOKEN_RE, fold, stem  # noqa: E402
from kb.search.query import FIELD_BOOSTS  # noqa: E402

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
    """Return queries from the corpus vocabulary: words, pairs, phrases, abbreviations, filters."""
    rng = random.Random(seed)
    words = [w for d in corpus[:2000] for w in TOKEN_RE.findall(d["title"]) if len(w) > 5]
    fixed = [
        "OZA", "thuiszitters", "onderwijszorgarrangement", "onderwijs zorgarrangement",
        "jeugdhulp op school", "passend onderwijs", "Den Bosch", "18+", "17-jarigen",
        "warme overdracht", "samenwerkingsverband", "wijkteam", "leerplicht", "mbo",
        "jongerenplan", "Fryslân", "monitor", "financiering", "ouders", "preventie",
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
        out.append({"q": text, "filters": filters})
    return out


# --- the app side ---------------------------------------------------------------------------


def make_app(tmp: Path) -> Flask:
    """Create an app on a fresh SQLite file and index in tmp, with the real taxonomy."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
            "INDEX_DIR": str(tmp / "index"),
            "CONTENT_DIR": str(PROJECT_ROOT / "content"),
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


def timed(runs: list[dict], call: Callable[[dict], Any]) -> list[float]:
    """Time call(run) for every run, after one warm-up pass over all of them."""
    for run in runs:
        call(run)
    samples = []
    for run in runs:
        started = time.perf_counter()
        call(run)
        samples.append(time.perf_counter() - started)
    return samples


def whoosh_side(app: Flask, corpus: list[dict[str, Any]], runs: list[dict]) -> dict[str, Any]:
    """Build, publish and query with the app's own search code."""
    out: dict[str, Any] = {}
    with app.app_context():
        load_corpus(corpus)
        started = time.perf_counter()
        search.rebuild()
        out["rebuild_s"] = time.perf_counter() - started

        plain = [r for r in runs if not r["filters"]]
        filtered = [r for r in runs if r["filters"]]
        out["plain"] = percentiles(
            timed(plain, lambda r: search.search(r["q"], facets=False, snippets=False))
        )
        out["filtered"] = percentiles(
            timed(
                filtered,
                lambda r: search.search(r["q"], r["filters"], facets=False, snippets=False),
            )  # fmt: skip
        )
        out["full"] = percentiles(timed(runs, lambda r: search.search(r["q"], r["filters"])))
        out["publish"] = percentiles(publish_to_searchable(app, len(corpus)))
    return out


def publish_to_searchable(app: Flask, n: int) -> list[float]:
    """Edit, commit and index articles one by one; time until a reader finds each change.

    The reader is a second thread with its own searcher, as another gunicorn worker would be:
    it sees the change when the index commit lands, not when the publishing call returns
    (which may go on to merge small segments).
    """
    rng = random.Random(3)
    samples = []
    for sample in range(PUBLISH_SAMPLES):
        article = db.session.get(Article, rng.randrange(1, n + 1))
        marker = f"bench{sample}x{rng.randrange(10**6)}"
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


# --- the FTS5 baseline ----------------------------------------------------------------------


def stemmed(text: str) -> str:
    """Fold and Snowball-stem every word (the same stemmer the app uses)."""
    return " ".join(stem(fold(w)) for w in TOKEN_RE.findall(text))


def fts_match(text: str) -> str | None:
    """Translate a query to FTS5: quoted stems ANDed, a "phrase" as a phrase, -word as NOT."""
    positive, negative = [], []
    for phrase in re.findall(r'"([^"]*)"', text):
        words = stemmed(phrase).split()
        if words:
            positive.append('"' + " ".join(words) + '"')
    for chunk in re.sub(r'"[^"]*"', " ", text).split():
        words = stemmed(chunk).split()
        target = negative if chunk.startswith("-") else positive
        target += [f'"{w}"' for w in words]
    if not positive:
        return None
    match = " AND ".join(positive)
    return match + "".join(f" NOT {w}" for w in negative)


def fts_side(corpus: list[dict[str, Any]], runs: list[dict], tmp: Path) -> dict[str, Any]:
    """Build FTS5 on the same corpus and run the same queries."""
    con = sqlite3.connect(tmp / "fts.sqlite")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE facet (doc INTEGER, name TEXT, value TEXT)")
    con.execute("CREATE INDEX facet_name_value ON facet (name, value, doc)")
    con.execute("CREATE INDEX facet_doc ON facet (doc, name, value)")
    con.execute("CREATE VIRTUAL TABLE fts USING fts5(title, labels, summary, body)")
    con.execute("CREATE TEMP TABLE hits (doc INTEGER PRIMARY KEY, rank REAL)")
    started = time.perf_counter()
    for n, doc in enumerate(corpus, start=1):
        labels = " ".join(doc["themes"] + doc["regions"] + [doc["kind"]])
        con.execute(
            "INSERT INTO fts (rowid, title, labels, summary, body) VALUES (?, ?, ?, ?, ?)",
            (n, stemmed(doc["title"]), stemmed(labels), stemmed(doc["summary"]),
             stemmed(doc["body"])),
        )  # fmt: skip
        values = [("kind", doc["kind"])] + [("theme", t) for t in doc["themes"]]
        values += [("region", r) for r in doc["regions"]] + [("sector", s) for s in doc["sectors"]]
        values += [("advice", str(a)) for a in doc["advice"]]
        con.executemany("INSERT INTO facet VALUES (?, ?, ?)", [(n, k, v) for k, v in values])
    con.commit()
    out: dict[str, Any] = {"rebuild_s": time.perf_counter() - started}

    weights = ", ".join(map(str, WEIGHTS))

    def restrict(filters: dict[str, list[str]], skip: str = "") -> tuple[str, list[str]]:
        sql, args = "", []
        for name, values in filters.items():
            if name == skip:
                continue
            marks = ",".join("?" * len(values))
            sql += f" AND h.doc IN (SELECT doc FROM facet WHERE name = ? AND value IN ({marks}))"
            args += [name, *values]
        return sql, args

    def run(r: dict, facets: bool, snippets: bool) -> Any:
        # The matches are materialised once per search (FTS5 would otherwise evaluate MATCH
        # per filtered row id, which is far slower); filters, counts and the top 20 are then
        # plain SQL over that set, and snippet() runs for the 20 shown.
        match = fts_match(r["q"])
        if match is None:
            return None
        con.execute("DELETE FROM hits")
        con.execute(
            f"INSERT INTO hits SELECT rowid, bm25(fts, {weights}) FROM fts WHERE fts MATCH ?",
            [match],
        )
        where, args = restrict(r["filters"])
        top = [row[0] for row in con.execute(
            f"SELECT h.doc FROM hits h WHERE 1{where} ORDER BY h.rank LIMIT 20", args
        )]  # fmt: skip
        if snippets and top:
            marks = ",".join("?" * len(top))
            con.execute(
                "SELECT rowid, snippet(fts, 3, '<mark>', '</mark>', '…', 24) FROM fts "
                f"WHERE fts MATCH ? AND rowid IN ({marks})",
                [match, *top],
            ).fetchall()
        if not facets:
            return top
        total = con.execute(f"SELECT count(*) FROM hits h WHERE 1{where}", args).fetchone()
        counts = {}
        for name in FACETS:
            other, other_args = restrict(r["filters"], skip=name)
            counts[name] = con.execute(
                "SELECT f.value, count(*) FROM hits h JOIN facet f ON f.doc = h.doc "
                f"AND f.name = ? WHERE 1{other} GROUP BY f.value",
                [name, *other_args],
            ).fetchall()
        return top, total, counts

    plain = [r for r in runs if not r["filters"]]
    filtered = [r for r in runs if r["filters"]]
    out["plain"] = percentiles(timed(plain, lambda r: run(r, False, False)))
    out["filtered"] = percentiles(timed(filtered, lambda r: run(r, False, False)))
    out["full"] = percentiles(timed(runs, lambda r: run(r, True, True)))
    con.close()
    return out


# --- report ---------------------------------------------------------------------------------


def measure(n: int) -> dict[str, Any]:
    """Run both engines on a corpus of n articles; return one result row."""
    tmp = Path(tempfile.mkdtemp(prefix=f"kb-bench-{n}-"))
    try:
        corpus = synthetic(n)
        runs = queries(corpus)
        app = make_app(tmp)
        whoosh = whoosh_side(app, corpus, runs)
        fts = fts_side(corpus, runs, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "n": n,
        "queries": len(runs),
        "search_p50_ms": round(whoosh["full"][0], 2),
        "search_p95_ms": round(whoosh["full"][1], 2),
        "fts5_search_p50_ms": round(fts["full"][0], 2),
        "fts5_search_p95_ms": round(fts["full"][1], 2),
        "plain_p50_ms": round(whoosh["plain"][0], 2),
        "plain_p95_ms": round(whoosh["plain"][1], 2),
        "fts5_plain_p50_ms": round(fts["plain"][0], 2),
        "fts5_plain_p95_ms": round(fts["plain"][1], 2),
        "filtered_p50_ms": round(whoosh["filtered"][0], 2),
        "filtered_p95_ms": round(whoosh["filtered"][1], 2),
        "fts5_filtered_p50_ms": round(fts["filtered"][0], 2),
        "fts5_filtered_p95_ms": round(fts["filtered"][1], 2),
        "publish_to_searchable_ms": round(whoosh["publish"][1], 1),
        "publish_to_searchable_p50_ms": round(whoosh["publish"][0], 1),
        "rebuild_s": round(whoosh["rebuild_s"], 2),
        "fts5_rebuild_s": round(fts["rebuild_s"], 2),
    }


def table(rows: list[dict[str, Any]]) -> str:
    """Return the results as a text table with ratios to FTS5."""
    lines = [
        f"{'n':>7} {'run':<9} {'whoosh p50':>11} {'p95':>8} {'fts5 p50':>9} {'p95':>8} "
        f"{'ratio p50':>9} {'p95':>6}"
    ]
    for row in rows:
        for run, prefix in (("plain", "plain_"), ("filtered", "filtered_"), ("full", "search_")):
            w50, w95 = row[f"{prefix}p50_ms"], row[f"{prefix}p95_ms"]
            f50, f95 = row[f"fts5_{prefix}p50_ms"], row[f"fts5_{prefix}p95_ms"]
            lines.append(
                f"{row['n']:>7} {run:<9} {w50:>9.2f}ms {w95:>6.2f}ms {f50:>7.2f}ms {f95:>6.2f}ms "
                f"{w50 / f50:>8.2f}x {w95 / f95:>5.2f}x"
            )
        lines.append(
            f"{row['n']:>7} publish-to-searchable p50 {row['publish_to_searchable_p50_ms']} ms, "
            f"p95 {row['publish_to_searchable_ms']} ms; rebuild {row['rebuild_s']} s "
            f"(FTS5 {row['fts5_rebuild_s']} s); {row['queries']} queries"
        )
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, run every size, print a table (or JSON as the last line)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated sizes")
    parser.add_argument("--json", action="store_true", help="print a JSON list as the last line")
    args = parser.parse_args()
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        rows.append(measure(n))
        print(table(rows[-1:]), file=sys.stderr if args.json else sys.stdout, flush=True)
    if args.json:
        print(json.dumps(rows))
    else:
        print()
        print(table(rows))


if __name__ == "__main__":
    main()
