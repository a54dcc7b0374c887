"""HTTP benchmark: what a user waits for, through gunicorn, against a static file in the same run.

Serves the repository's content with gunicorn exactly as `make run` does (two sync workers,
SQLite, the Whoosh index on disk) and loads it with wrk, a C load generator on loopback:

- static: a small static file served by the same gunicorn (the floor: routing, WSGI, sockets);
- home, an article page, a browse page (thema/soort/advies/regio in turn);
- /zoeken without and with a filter, /api/v1/search.

Every page kind rotates over many URLs (articles, themes, queries), so no single cached answer
is timed. The warm-up uses other URLs than the timed pass: the queries the timed pass sends were
not seen before. At each concurrency it prints p50/p95/p99, requests per second, and the ratio
of p50 and of req/s to the static file measured at the same concurrency.

    make bench-http                                       # installs wrk, then runs this
    .venv/bin/python bench/http_bench.py --duration 5 --concurrency 1,8 --json
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.config import PROJECT_ROOT  # noqa: E402
from kb.content.files import read_articles  # noqa: E402
from kb.content.taxonomy import load_taxonomy  # noqa: E402
from tests.support.server import LiveServer, start_server  # noqa: E402

# Round-robin over a file of paths; report the percentiles as one JSON line (latency in µs).
WRK_SCRIPT = """
local paths = {}
local next_path = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  next_path = math.random(#paths)
end
function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
function done(summary, latency, requests)
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50":%d,"p95":%d,"p99":%d}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

# Dutch queries as members type them; half warm the server up, the other half are timed.
QUERIES = [
    "thuiszitters",
    "onderwijszorgarrangement",
    "jeugdhulp op school",
    "passend onderwijs",
    "samenwerkingsverband",
    "ontwikkelagenda",
    "leerplicht",
    "vrijstelling",
    "18 min 18 plus",
    "zorg en adviesteam",
    "ouderbetrokkenheid",
    "gemeente en school",
    "schoolmaatschappelijk werk",
    "hoogbegaafdheid",
    "autisme",
    "dyslexie",
    "wachtlijst jeugdzorg",
    "integraal kindcentrum",
    "speciaal onderwijs",
    "doorzettingsmacht",
    "maatwerk",
    "onderwijstijd",
    "verzuim",
    "kernteam",
    "inspiratieregio",
    "monitoring",
    "financiering",
    "oogo",
    "rijnmond",
    "zuid-kennemerland",
    "friesland",
    "brabant",
    "limburg",
    "utrecht",
    "basisschool",
    "voortgezet onderwijs",
    "mbo",
    "jongeren zonder startkwalificatie",
    "ggz",
    "sociale wijkteams",
    "preventie",
    "vroegsignalering",
    "handelingsgericht werken",
    "expertise",
    "arrangement",
    "ondersteuningsplan",
    "terugkeer naar school",
    "transformatieve school",
    "regiovisie",
    "gezinsaanpak",
    "thuisonderwijs",
    "ziekte",
    "gedrag",
    "veiligheid",
    "dagbesteding",
]


@dataclass
class Target:
    """One kind of page: a name and the URLs it rotates over (warm-up and timed sets)."""

    name: str
    warm: list[str]
    timed: list[str]


def _split(paths: list[str]) -> tuple[list[str], list[str]]:
    """Split paths into a warm-up half and a disjoint timed half (one path serves both if alone)."""
    paths = list(paths)
    random.Random(7).shuffle(paths)
    if len(paths) < 2:
        return paths, paths
    half = len(paths) // 2
    return paths[:half], paths[half:]


def targets(content: Path) -> list[Target]:
    """The page kinds a user waits for, each with URLs taken from the real content."""
    taxonomy, _ = load_taxonomy(content / "taxonomy")
    articles, _ = read_articles(content / "articles", taxonomy)
    slugs = sorted(a.slug for a in articles)
    themes = sorted({t for a in articles for t in a.themes})
    kinds = sorted({a.kind for a in articles})
    regions = sorted({r for a in articles for r in a.regions})
    browse = (
        [f"/thema/{t}" for t in themes]
        + [f"/soort/{k}" for k in kinds]
        + [f"/advies/{n}" for n in range(1, 8)]
        + [f"/regio/{r}" for r in regions]
    )
    queries = [urllib.parse.quote_plus(q) for q in QUERIES]
    filtered = [f"/zoeken?q={q}&thema={themes[i % len(themes)]}" for i, q in enumerate(queries)]
    pairs = {
        "static": ["/static/favicon.svg"],
        "home": ["/"],
        "article": [f"/artikel/{s}" for s in slugs],
        "browse": browse,
        "search": [f"/zoeken?q={q}" for q in queries],
        "search-filtered": filtered,
        "api-search": [f"/api/v1/search?q={q}" for q in queries],
    }
    return [Target(name, *_split(paths)) for name, paths in pairs.items()]


def run_wrk(server: LiveServer, paths: list[str], connections: int, seconds: float) -> dict:
    """Load the server with wrk over paths; return wrk's figures as a dict (latency in ms)."""
    work = Path(server.tmp)
    script, path_file = work / "rotate.lua", work / "paths.txt"
    script.write_text(WRK_SCRIPT)
    path_file.write_text("\n".join(paths) + "\n")
    threads = min(connections, 2)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        server.url,
        "--",
        str(path_file),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    for key in ("p50", "p95", "p99"):
        figures[key] = figures[key] / 1000
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def main() -> None:
    """Start gunicorn on the content, warm it up, time every page kind at each concurrency."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per page")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated connection counts")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (make run: 2)")
    parser.add_argument("--content", type=Path, default=PROJECT_ROOT / "content")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of all rows")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: `make bench-http` installs it (Debian package wrk).")
    levels = [int(c) for c in args.concurrency.split(",")]

    with tempfile.TemporaryDirectory(prefix="kb-http-bench-") as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(args.content, content)
        server = start_server(Path(tmp), content, workers=args.workers)
        try:
            kinds = targets(content)
            for target in kinds:
                run_wrk(server, target.warm, 8, args.warmup)
            rows = []
            for connections in levels:
                static = None
                for target in kinds:
                    figures = run_wrk(server, target.timed, connections, args.duration)
                    static = static or figures
                    figures.update(
                        page=target.name,
                        concurrency=connections,
                        p50_ratio=figures["p50"] / static["p50"],
                        rps_ratio=static["rps"] / figures["rps"],
                    )
                    rows.append(figures)
                    print(_row(figures), flush=True)
        finally:
            server.stop()
    if args.json:
        print(
            json.dumps(
                [
                    {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}
                    for r in rows
                ]
            )
        )


def _row(r: dict) -> str:
    """One printed line: page, concurrency, percentiles, throughput and the ratios to static."""
    errors = r["status_errors"] + r["socket_errors"]
    return (
        f"{r['page']:<16} c={r['concurrency']:<3} p50 {r['p50']:8.2f} ms  p95 {r['p95']:8.2f} ms  "
        f"p99 {r['p99']:8.2f} ms  {r['rps']:8.1f} req/s  p50 {r['p50_ratio']:6.1f}x static  "
        f"req/s {r['rps_ratio']:6.1f}x fewer  p95/p50 {r['p95'] / r['p50']:4.1f}"
        + (f"  ERRORS {errors}" if errors else "")
    )


if __name__ == "__main__":
    main()
