"""Where a page's time goes, in-process: CPU per request of each page kind, as a ratio to static.

The same app, content and URLs as `bench/http_bench.py` (warm-up URLs first, then the timed
half), requested through Flask's test client, templates included, without gunicorn or wrk.
It counts the process's CPU time (every thread: the search log's writer too), so on a shared
machine its ratios hold up where wall-clock figures do not. On a quiet machine the HTTP
benchmark's ratios come out about two thirds of these (sockets and HTTP parsing weigh more on
the static file than on a page).

    .venv/bin/python bench/page_profile.py                      # every page kind
    .venv/bin/python bench/page_profile.py search browse        # some of them
    .venv/bin/python bench/page_profile.py search --profile 30  # and the top 30 functions
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_bench import targets  # noqa: E402
from kb.config import PROJECT_ROOT  # noqa: E402
from tests.support.app import build_app, load_content  # noqa: E402


def main() -> None:
    """Load the content, warm every page kind up, then time (or profile) the chosen kinds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="*", help="page kinds (default: all)")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per kind")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    parser.add_argument("--content", type=Path, default=PROJECT_ROOT / "content")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # migrations and a missing map file are not the subject
    with tempfile.TemporaryDirectory(prefix="kb-page-profile-") as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(args.content, content)
        app = build_app(Path(tmp), content, TESTING=False, SERVER_NAME=None)
        load_content(app)
        kinds = {t.name: t for t in targets(content)}
        client = app.test_client()
        for target in kinds.values():
            for url in target.warm:
                client.get(url)
        static = None
        for name in ["static", *(k for k in args.kinds or kinds if k != "static")]:
            urls = kinds[name].timed
            for url in urls:  # each timed URL once: what stays is the steady state
                assert client.get(url).status_code == 200, url
            profiler = cProfile.Profile() if args.profile and name != "static" else None
            started = time.process_time()
            if profiler:
                profiler.enable()
            for n in range(args.requests):
                client.get(urls[n % len(urls)])
            if profiler:
                profiler.disable()
            cpu = (time.process_time() - started) / args.requests * 1000
            static = static or cpu
            print(f"{name:<16} {cpu:7.2f} ms CPU per request  {cpu / static:5.1f}x static",
                  flush=True)  # fmt: skip
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
