"""A damaged segment on a real index (issue 9, finding 7): no 500, 503 while broken, recovery.

The damage is real bytes overwritten inside the largest .seg file; the searches, /healthz and
`kb check-index` run on the real index, in process and behind a real gunicorn.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kb.config import PROJECT_ROOT
from kb.models import Article, db
from kb.publishing import commit_and_index, queue_for_index
from kb.search import index as search_index
from kb.search.faults import guarded
from kb.search.storage import IndexUnavailable, broken_reason
from tests.support.app import build_app
from tests.support.corrupt import damage_stored_fields
from tests.support.search import add_articles, article_text
from tests.support.server import start_server

WORDS = ["kwartelkoning", "ijsvogeltje", "roerdompje", "grutto", "tureluur"]


@pytest.fixture
def held_rebuild(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Hold the background rebuild until `release` is set; `rebuilt` is set when it is done."""
    release, rebuilt = threading.Event(), threading.Event()
    real_recover = search_index.recover

    def held() -> int:
        assert release.wait(30)
        try:
            return real_recover()
        finally:
            rebuilt.set()

    monkeypatch.setattr(search_index, "recover", held)
    return release, rebuilt


def test_a_read_error_in_a_search_answers_503_and_the_index_is_rebuilt(
    app: Flask, held_rebuild: tuple[threading.Event, threading.Event]
) -> None:
    release, rebuilt = held_rebuild
    add_articles(app, {f"vogel-{w}": article_text(f"Over de {w}", f"De {w} als voorbeeld.")
                       for w in WORDS})  # fmt: skip
    root = Path(app.config["INDEX_DIR"])
    with app.app_context():
        search_index.rebuild()  # one segment of 8 documents: the health sample reads 0, 4 and 7
    damaged = damage_stored_fields(root, 3)
    assert damaged["slug"].startswith("vogel-")  # documents 0-2 are the fixture articles
    query = damaged["slug"].removeprefix("vogel-")
    generation = search_index.current_generation(root)
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["kb", "check-index"])
    assert checked.exit_code == 1 and checked.exception.__class__ is SystemExit, checked.output
    assert "beschadigd" in checked.output

    client = app.test_client()
    page = client.get(f"/zoeken?q={query}")
    assert page.status_code == 503, page.text[:500]
    assert "Zoeken is even niet beschikbaar" in page.text
    assert client.get(f"/api/v1/search?q={query}").status_code == 503
    assert broken_reason(root, generation)  # the search marked it, for every worker to see
    assert client.get("/zoeken?q=OOGO").status_code == 503  # marked broken: every search waits
    health = client.get("/healthz")
    assert health.status_code == 503 and "beschadigd" in health.json["checks"]["index"]
    assert runner.invoke(args=["kb", "check-index"]).exit_code == 1

    release.set()
    assert rebuilt.wait(60)
    assert client.get("/healthz").status_code == 200
    found = client.get(f"/api/v1/search?q={query}")
    assert found.status_code == 200
    assert damaged["slug"] in [r["slug"] for r in found.json["results"]]
    assert runner.invoke(args=["kb", "check-index"]).exit_code == 0


def test_check_index_reports_a_damaged_index_and_never_crashes(app: Flask) -> None:
    damage_stored_fields(Path(app.config["INDEX_DIR"]), 0)
    result = app.test_cli_runner().invoke(args=["kb", "check-index"])
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit, result.output
    assert "beschadigd" in result.output and "herstel" in result.output


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_gunicorn_survives_a_damaged_segment_and_recovers(tmp_path: Path) -> None:
    server = start_server(tmp_path, PROJECT_ROOT / "content", workers=2)
    try:
        settings = {k: server.env[f"KB_{k}"] for k in ("DATABASE_URL", "INDEX_DIR")}
        app = build_app(tmp_path, PROJECT_ROOT / "content", **settings)
        root = Path(app.config["INDEX_DIR"])
        queries = ["jeugdhulp", "passend onderwijs", "samenwerking school", "OOGO", ""]
        assert all(_get(f"{server.url}/zoeken?q={urllib.parse.quote(q)}")[0] == 200
                   for q in queries)  # fmt: skip
        damage_stored_fields(root, 0)  # a few hundred bytes inside the largest .seg file
        with app.app_context():  # a publish while the index is damaged must not get lost
            article = db.session.scalar(  # not document 0, whose damage health must find
                select(Article).where(Article.status == "published").order_by(Article.id.desc())
            )
            article.title = "Herstelproef na een beschadigde index"
            slug = article.slug
            queue_for_index(article)
            commit_and_index()
        status, body = _get(f"{server.url}/healthz")
        assert status == 503 and "beschadigd" in json.loads(body)["checks"]["index"], body
        for q in queries:  # while broken: the Dutch 503 page or results, never a 500
            status, body = _get(f"{server.url}/zoeken?q={urllib.parse.quote(q)}")
            assert status in (200, 503), body[:500]
            assert status == 200 or "Zoeken is even niet beschikbaar" in body
        deadline = time.monotonic() + 120
        while _get(f"{server.url}/healthz")[0] != 200:  # recovery, waited for as a condition
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()[-3000:]
            time.sleep(0.2)
        for q in queries:
            assert _get(f"{server.url}/zoeken?q={urllib.parse.quote(q)}")[0] == 200
        status, body = _get(f"{server.url}/api/v1/search?q=herstelproef")
        assert status == 200 and slug in [r["slug"] for r in json.loads(body)["results"]]
        assert app.test_cli_runner().invoke(args=["kb", "check-index"]).exit_code == 0
    finally:
        server.stop()


def test_an_error_that_survives_a_rebuild_is_not_taken_for_damage(
    app: Flask, held_rebuild: tuple[threading.Event, threading.Event]
) -> None:
    release, rebuilt = held_rebuild
    root = Path(app.config["INDEX_DIR"])
    # An error raised inside whoosh on a healthy index: what a query tripping whoosh looks like.
    trips_whoosh = guarded(lambda: search_index.reader().searcher.stored_fields(10**6))
    with app.app_context():
        with pytest.raises(IndexUnavailable):
            trips_whoosh()  # the first time it may be damage: marked, rebuilt
        release.set()
        assert rebuilt.wait(60)
        assert app.test_client().get("/healthz").status_code == 200
        with pytest.raises(IndexError):
            trips_whoosh()  # again on the fresh index: an error, not another rebuild
        assert broken_reason(root, search_index.current_generation(root)) is None
        assert app.test_client().get("/zoeken?q=OOGO").status_code == 200
