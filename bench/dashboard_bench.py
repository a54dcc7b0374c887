"""Dashboard benchmark: the redactie landing page at 10,000 articles and 1,000,000 searches.

Builds a SQLite database with a synthetic corpus (the search benchmark's generator, from the
real articles), a year of search log (Zipf-distributed queries, a tenth without results, a
third of them clicked) and a few thousand submissions, serves it with gunicorn (two workers,
as `make run`), logs in as an editor through the real form and times the page over HTTP, plus
the panels' queries in-process (`kb.dashboard.dashboard()`).

    .venv/bin/python bench/dashboard_bench.py                          # 10,000 / 1,000,000
    .venv/bin/python bench/dashboard_bench.py --articles 2000 --searches 100000 --requests 20
"""

from __future__ import annotations

import argparse
import http.cookiejar
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_bench import load_corpus, synthetic  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from kb import dashboard, search  # noqa: E402
from kb.config import PROJECT_ROOT  # noqa: E402
from kb.content.sync import sync_taxonomy  # noqa: E402
from kb.content.taxonomy import load_taxonomy  # noqa: E402
from kb.models import SearchClick, SearchLog, Submission, db, utcnow  # noqa: E402
from tests.support.accounts import PASSWORD, make_user  # noqa: E402
from tests.support.app import build_app  # noqa: E402
from tests.support.server import start_server  # noqa: E402

CHUNK = 50_000


def fill(app, articles: int, searches: int, seed: int = 5) -> None:
    """Insert the corpus, the search log, its clicks and the submissions in bulk."""
    rng = random.Random(seed)
    with app.app_context():
        taxonomy, _ = load_taxonomy(PROJECT_ROOT / "content" / "taxonomy")
        sync_taxonomy(taxonomy)
        db.session.commit()
        corpus = synthetic(articles)
        old = utcnow() - timedelta(days=800)  # a third was last checked long ago
        for n, doc in enumerate(corpus):
            if n % 3 == 0:
                doc["updated"] = old
        load_corpus(corpus)
        vocabulary = [f"zoekvraag {n}" for n in range(5000)]
        weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
        now = utcnow()
        done = 0
        while done < searches:
            batch = min(CHUNK, searches - done)
            picked = rng.choices(vocabulary, weights, k=batch)
            rows, clicks = [], []
            for query in picked:
                key = secrets.token_hex(16)
                results = 0 if hash(query) % 10 == 0 else rng.randint(1, 40)
                moment = now - timedelta(seconds=rng.randint(0, 365 * 86400))
                rows.append(
                    {
                        "query": query,
                        "normalised": query,
                        "filters": {},
                        "result_count": results,
                        "search_key": key,
                        "created_at": moment,
                    }
                )
                if results and rng.random() < 0.33:
                    clicks.append(
                        {
                            "search_key": key,
                            "article_id": rng.randint(1, articles),
                            "rank": rng.randint(1, 10),
                            "created_at": moment,
                        }
                    )
            db.session.execute(insert(SearchLog), rows)
            if clicks:
                db.session.execute(insert(SearchClick), clicks)
            db.session.commit()
            done += batch
        states = ["submitted", "returned", "published", "rejected"]
        db.session.execute(insert(Submission), [
            {"token_hash": secrets.token_hex(32), "status": rng.choice(states),
             "title": f"Voorbeeld {n}", "created_at": now - timedelta(days=rng.randint(0, 90)),
             "updated_at": now}
            for n in range(3000)])  # fmt: skip
        db.session.commit()


def login(base: str, email: str) -> urllib.request.OpenerDirector:
    """Log in through the real form; return an opener that carries the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/inloggen").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    opener.open(f"{base}/inloggen", data.encode()).read()
    return opener


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Return (p50, p95) in milliseconds."""
    ordered = sorted(samples)
    return (
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
    )


def main() -> None:
    """Build the data, then time the dashboard in-process and over HTTP."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--path", default="/redactie/", help="the page that shows the dashboard")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-dashboard-bench-") as tmp:
        base_dir = Path(tmp)
        content = PROJECT_ROOT / "content"
        app = build_app(base_dir, content, SERVER_NAME=None)
        started = time.perf_counter()
        fill(app, args.articles, args.searches)
        print(
            f"data: {args.articles} articles, {args.searches} searches "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        with app.app_context():
            search.rebuild()  # gunicorn's /healthz (and the search box) need the index
        editor = make_user(app, role="editor")
        with app.app_context():
            dashboard.dashboard()  # warm the caches once, as a running worker would be
            samples = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                dashboard.dashboard()
                samples.append(time.perf_counter() - t0)
        p50, p95 = percentiles(samples)
        print(f"panels in-process (kb.dashboard.dashboard): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        server = start_server(base_dir, content, load=False)
        try:
            opener = login(server.url, editor.email)
            opener.open(server.url + args.path).read()
            samples = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                body = opener.open(server.url + args.path).read()
                samples.append(time.perf_counter() - t0)
            assert b"In \xc3\xa9\xc3\xa9n oogopslag" in body or args.path != "/redactie/", \
                "the page does not show the dashboard"  # fmt: skip
        finally:
            server.stop()
        p50, p95 = percentiles(samples)
        print(
            f"GET {args.path} through gunicorn: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
            f"({args.requests} requests)"
        )


if __name__ == "__main__":
    main()
