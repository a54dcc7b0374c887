"""Index lifecycle on a real index: several processes, a held lock, atomic reindex, repair."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kb.config import PROJECT_ROOT
from kb.models import Article, db
from kb.publishing import apply_index_outbox, commit_and_index, queue_for_index
from kb.search import check_index
from kb.search import index as search
from kb.search import search as run_search
from kb.search.storage import POINTER


def env_for(app: Flask) -> dict[str, str]:
    """Return the environment that makes `wsgi:app` in a child process use this app's files."""
    env = dict(os.environ)
    env.update(
        {
            "KB_SECRET_KEY": "test-secret-key-not-for-production",
            "KB_DATABASE_URL": app.config["DATABASE_URL"],
            "KB_INDEX_DIR": app.config["INDEX_DIR"],
            "KB_CONTENT_DIR": app.config["CONTENT_DIR"],
            "KB_INDEX_WRITER_TIMEOUT": "5",
        }
    )
    return env


def run_child(app: Flask, code: str) -> str:
    """Run Python code in a child process inside an app context; return its output."""
    script = "from wsgi import app\nwith app.app_context():\n" + textwrap.indent(
        textwrap.dedent(code), "    "
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=env_for(app),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def ids_for(app: Flask, query: str) -> list[int]:
    """Return the ids a search finds (all of them, first page of 50)."""
    with app.app_context():
        return run_search(query, per_page=50).ids


def article_id(app: Flask, slug: str) -> int:
    """Return the id of an article by slug."""
    with app.app_context():
        return db.session.scalar(select(Article.id).where(Article.slug == slug))


def test_searcher_is_reused_until_the_index_changes(app: Flask) -> None:
    with app.app_context():
        first = search.reader().searcher
        assert search.reader().searcher is first
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        article.title = "Het OOGO opnieuw uitgelegd"
        queue_for_index(article)
        commit_and_index()
        assert search.reader().searcher is not first


def test_other_process_updates_appear_once_and_deletes_not_at_all(app: Flask) -> None:
    oogo = article_id(app, "oogo-test")
    portrait = article_id(app, "regioportret-testregio")
    assert ids_for(app, "OOGO") and portrait in ids_for(app, "regioportret")  # readers are open
    # Many small commits make whoosh merge segments, where the forks' refresh() went wrong.
    run_child(
        app,
        """
        from sqlalchemy import select
        from kb.models import Article, db
        from kb.publishing import commit_and_index, queue_for_index
        for n in range(12):
            article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
            article.title = f"Zeldzaamwoord versie {n}"
            queue_for_index(article)
            commit_and_index()
        portrait = db.session.scalar(
            select(Article).where(Article.slug == "regioportret-testregio"))
        portrait.status = "unpublished"
        queue_for_index(portrait)
        commit_and_index()
        """,
    )
    assert ids_for(app, "zeldzaamwoord") == [oogo]
    assert ids_for(app, '"zeldzaamwoord versie 11"') == [oogo]
    assert ids_for(app, '"zeldzaamwoord versie 3"') == []
    assert portrait not in ids_for(app, "regioportret")
    assert portrait not in ids_for(app, "")  # not even in the everything-list
    with app.app_context():
        assert check_index().clean


HOLD_LOCK = """
import sys, time
from kb.search.storage import current_generation, index_root, open_generation
ix = open_generation(index_root(), current_generation(index_root()))
writer = ix.writer()
print("locked", flush=True)
sys.stdin.readline()
writer.cancel()
"""


def test_a_locked_index_loses_nothing(app: Flask) -> None:
    app.config["INDEX_WRITER_TIMEOUT"] = 0.3
    holder = subprocess.Popen(
        [sys.executable, "-c", "from wsgi import app\nwith app.app_context():\n"
         + textwrap.indent(HOLD_LOCK, "    ")],
        cwd=PROJECT_ROOT, env=env_for(app), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        with app.app_context():
            article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
            article.title = "Vergrendeld bijgewerkt"
            queue_for_index(article)
            commit_and_index()  # must not raise: the commit stands, the change waits in the log
            assert check_index().pending == 1
        assert ids_for(app, "vergrendeld") == []
    finally:
        holder.communicate("\n", timeout=30)
    with app.app_context():
        assert apply_index_outbox() == 1
        assert check_index().pending == 0
    assert ids_for(app, "vergrendeld") == [article_id(app, "oogo-test")]


def test_reindex_switches_atomically(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(app.config["INDEX_DIR"])
    with app.app_context():
        before = search.current_generation(root)
        seen_during_build: list[tuple[str | None, int]] = []
        real_build = search._build

        def build_and_look(path: Path) -> int:
            count = real_build(path)
            # The new generation is complete but not live: readers still use the old one.
            seen_during_build.append((search.current_generation(root), len(ids_for(app, ""))))
            return count

        monkeypatch.setattr(search, "_build", build_and_look)
        assert search.rebuild() == 3
        after = search.current_generation(root)
        assert seen_during_build == [(before, 3)]
        assert after != before and (root / before).is_dir()  # the previous one stays for readers
        assert len(ids_for(app, "")) == 3


def test_failed_reindex_keeps_the_old_index(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(app.config["INDEX_DIR"])
    with app.app_context():
        before = search.current_generation(root)
        calls = {"n": 0}
        real_document = search.document

        def failing_document(article: Article) -> dict:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("schijf vol")
            return real_document(article)

        monkeypatch.setattr(search, "document", failing_document)
        with pytest.raises(RuntimeError):
            search.rebuild()
        assert search.current_generation(root) == before
        assert sorted(p.name for p in root.iterdir() if p.is_dir()) == [before]
    assert len(ids_for(app, "")) == 3


def test_publish_during_reindex_is_not_lost(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["INDEX_WRITER_TIMEOUT"] = 0.2
    real_build = search._build
    building, published = threading.Event(), threading.Event()

    def build_after_the_publish(path: Path) -> int:
        building.set()
        assert published.wait(30)
        return real_build(path)

    monkeypatch.setattr(search, "_build", build_after_the_publish)

    def reindex() -> None:
        with app.app_context():
            search.rebuild()

    worker = threading.Thread(target=reindex)
    worker.start()
    assert building.wait(10)
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        article.title = "Tijdens herbouw gepubliceerd"
        queue_for_index(article)
        commit_and_index()  # the old index is locked by the rebuild: the change waits
        assert check_index().pending == 1
    published.set()
    worker.join(30)
    assert ids_for(app, "herbouw") == [article_id(app, "oogo-test")]
    with app.app_context():
        assert check_index().pending == 0


def test_check_index_reports_and_repairs(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["kb", "check-index"]).exit_code == 0
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        article.title = "Alleen in de database gewijzigd"
        db.session.commit()  # no change logged: the index cannot know
        root = search.index_root()
        ix = search.open_generation(root, search.current_generation(root))
        with ix.writer() as writer:
            writer.delete_by_term("id", str(article_id(app, "regioportret-testregio")))
    result = runner.invoke(args=["kb", "check-index"])
    assert result.exit_code == 1
    assert "verouderd in de index: oogo-test" in result.output
    assert "ontbreekt in de index: regioportret-testregio" in result.output
    assert runner.invoke(args=["kb", "check-index", "--repair"]).exit_code == 0
    assert runner.invoke(args=["kb", "check-index"]).exit_code == 0


def test_reindex_command(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["kb", "reindex"])
    assert result.exit_code == 0 and "3 artikelen" in result.output


@pytest.fixture
def background_rebuild(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Hold the background rebuild until `release` is set; `rebuilt` is set when it is done."""
    release, rebuilt = threading.Event(), threading.Event()
    real_recover = search.recover

    def held_recover() -> int:
        assert release.wait(30)
        try:
            return real_recover()
        finally:
            rebuilt.set()

    monkeypatch.setattr(search, "recover", held_recover)
    return release, rebuilt


def _corrupt(root: Path) -> None:
    live = root / search.current_generation(root)
    for toc in live.glob("*.toc"):
        toc.write_bytes(b"dit is geen index")


def test_healthz_reports_a_corrupt_index_and_it_is_rebuilt(
    app: Flask, background_rebuild: tuple[threading.Event, threading.Event]
) -> None:
    release, rebuilt = background_rebuild
    root = Path(app.config["INDEX_DIR"])
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        article.title = "Gewijzigd terwijl de index kapot was"
        queue_for_index(article)
        db.session.commit()  # committed, not yet indexed
    _corrupt(root)
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503, response.json
    assert "beschadigd" in response.json["checks"]["index"], response.json
    assert "herstel" in response.json["checks"]["index"]  # rebuilt in the background
    assert client.get("/healthz").status_code == 503  # and broken until that is done
    release.set()
    assert rebuilt.wait(30)
    again = client.get("/healthz")
    assert again.status_code == 200, again.json
    assert ids_for(app, "kapot") == [article_id(app, "oogo-test")]
    with app.app_context():
        report = check_index()
        assert report.clean and report.pending == 0


def test_search_recovers_from_a_missing_index(app: Flask) -> None:
    root = Path(app.config["INDEX_DIR"])
    (root / POINTER).unlink()
    assert len(ids_for(app, "")) == 3
    with app.app_context():
        assert search.check_health(root)[0]


def test_search_recovers_from_missing_segment_files(app: Flask) -> None:
    root = Path(app.config["INDEX_DIR"])
    for segment_file in (root / search.current_generation(root)).glob("*.seg"):
        segment_file.unlink()
    with app.app_context():
        assert not search.check_health(root)[0]
    assert app.test_client().get("/api/v1/search?q=OOGO").json["total"] == 1


def test_a_large_broken_index_answers_503_while_rebuilt_in_the_background(
    app: Flask, background_rebuild: tuple[threading.Event, threading.Event]
) -> None:
    app.config["INDEX_SYNC_REBUILD_MAX"] = 0  # treat the fixture index as "large"
    release, rebuilt = background_rebuild
    _corrupt(Path(app.config["INDEX_DIR"]))
    client = app.test_client()
    first = client.get("/zoeken?q=OOGO")
    assert first.status_code == 503 and "opnieuw opgebouwd" in first.text
    # Still broken while the background rebuild runs: the API answers 503 too.
    assert client.get("/api/v1/search?q=OOGO").status_code == 503
    release.set()
    assert rebuilt.wait(30)
    page = client.get("/api/v1/search?q=OOGO")
    assert page.status_code == 200
    assert page.json["total"] == 1
