"""Relevance report: success@3 and MRR of the two relevance sets on the real content.

Loads the repository's content into a fresh SQLite database and index (as the tests'
`content_app` does) and runs every query of tests/test_relevance.py (the original set) and
tests/test_relevance_questions.py (questions as members type them). MRR counts the first
wanted article within the top 10 (0 beyond).

    .venv/bin/python bench/relevance_report.py            # both sets, a table
    .venv/bin/python bench/relevance_report.py --misses   # also every query that missed the top 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.config import PROJECT_ROOT  # noqa: E402
from tests import test_relevance, test_relevance_questions  # noqa: E402
from tests.support.app import build_app, load_content  # noqa: E402

rank_of = test_relevance_questions.rank_of


def old_cases() -> list[tuple[str, str, str]]:
    """Return (group, query, slug) of the original set."""
    return [(p.id.split(":")[0], *p.values) for p in test_relevance.CASES]


def measure(cases: list[tuple[str, str, object]]) -> tuple[float, float, list[str]]:
    """Return success@3, MRR and the queries that missed the top 3."""
    ranks = [(query, rank_of(query, want)) for _group, query, want in cases]
    success = sum(1 for _q, r in ranks if r is not None and r <= 3) / len(ranks)
    mrr = sum(1 / r for _q, r in ranks if r is not None) / len(ranks)
    misses = [f"{q!r} (rank {r or '>10'})" for q, r in ranks if r is None or r > 3]
    return success, mrr, misses


def main() -> None:
    """Build the app on the real content and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the queries that missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp), PROJECT_ROOT / "content")
        load_content(app)
        with app.app_context():
            sets = {
                "original (tests/test_relevance.py)": old_cases(),
                "questions (tests/test_relevance_questions.py)": test_relevance_questions.CASES,
            }
            print(f"{'set':48} {'queries':>7} {'success@3':>9} {'MRR':>6}")
            for name, cases in sets.items():
                success, mrr, misses = measure(cases)
                print(f"{name:48} {len(cases):7} {success:9.3f} {mrr:6.3f}")
                if args.misses:
                    for miss in misses:
                        print(f"    miss: {miss}")


if __name__ == "__main__":
    main()
