"""Several app instances, each with its own Whoosh index, on one database (issue 10, item 5).

Every index follows the database's change log by its own cursor, so an edit through A is found
through B, on PostgreSQL and on one shared SQLite file, and `kb check-index` agrees on both. With
the PostgreSQL search backend there is no index of their own: both search the rows the edit
committed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from kb import accounts
from kb.config import PROJECT_ROOT
from kb.models import Article, IndexChange, db, utcnow
from kb.publishing import article_state, commit_and_index, edit_article, queue_for_index
from kb.search import changes, check_index, health
from kb.search import index as search_index
from kb.search import search as run_search
from tests.support.app import build_app, load_content
from tests.support.postgres import fresh_database
from tests.support.server import LiveServer, free_port


def instance(
    tmp: Path, content: Path, name: str, database_url: str, backend: str = "whoosh"
) -> Flask:
    """Build app instance `name` on the shared database with its own index folder."""
    return build_app(tmp, content, DATABASE_URL=database_url, INDEX_DIR=str(tmp / f"index-{name}"),
                     UPLOAD_DIR=str(tmp / f"uploads-{name}"), SEARCH_BACKEND=backend)  # fmt: skip


def serve(app: Flask, tmp: Path, name: str) -> LiveServer:
    """Serve one instance with its own gunicorn (two workers); wait until it answers."""
    port = free_port()
    env = dict(os.environ)
    env.update({f"KB_{key}": str(app.config[key])
                for key in ("DATABASE_URL", "INDEX_DIR", "UPLOAD_DIR", "CONTENT_DIR",
                            "SEARCH_BACKEND")})  # fmt: skip
    env.update({"KB_SECRET_KEY": "nodes-test-secret", "KB_BASE_URL": f"http://127.0.0.1:{port}"})
    log = open(tmp / f"server-{name}.log", "ab")  # noqa: SIM115 (kept open while it runs)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    server = LiveServer(f"http://127.0.0.1:{port}", tmp, env, process, log)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=5):  # noqa: S310
                return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError((tmp / f"server-{name}.log").read_text()) from None
            time.sleep(0.1)


def found_through(server: LiveServer, word: str) -> list[str]:
    """Return the slugs /api/v1/search finds for word on this server."""
    with urllib.request.urlopen(f"{server.url}/api/v1/search?q={word}", timeout=10) as response:  # noqa: S310
        return [item["slug"] for item in json.load(response)["results"]]


def edit_through(app: Flask, slug: str, title: str) -> None:
    """Edit an article's title as an editor does, through the publishing functions of app."""
    with app.app_context():
        editor = accounts.user_by_email("redacteur@example.org") or accounts.create_user(
            "redacteur@example.org", "een lang en goed wachtwoord", "editor", "Redactie", ""
        )
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        assert edit_article(article, article_state(article) | {"title": title}, editor)


def check_passes(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["kb", "check-index"])
    assert result.exit_code == 0, result.output
    return result.output


def two_instances_stay_in_step(
    tmp: Path, content: Path, database_url: str, backend: str = "whoosh"
) -> None:
    a = instance(tmp, content, "a", database_url, backend)
    load_content(a)
    b = instance(tmp, content, "b", database_url, backend)
    if backend == "whoosh":  # B's own index; the PostgreSQL backend has nothing of its own
        with b.app_context():
            search_index.rebuild()
    servers = [serve(a, tmp, "a"), serve(b, tmp, "b")]
    try:
        server_a, server_b = servers
        assert found_through(server_b, "Snoeshaan") == []
        edit_through(a, "oogo-test", "Het OOGO en de snoeshaan")
        deadline = time.monotonic() + 1.0  # the brief: found through B within 1 s
        assert found_through(server_a, "snoeshaan") == ["oogo-test"]
        while found_through(server_b, "snoeshaan") != ["oogo-test"]:
            assert time.monotonic() < deadline, "B did not find A's edit within 1 s"
            time.sleep(0.02)
        for app in (a, b):
            assert "nog toe te passen: 0" in check_passes(app)
    finally:
        for server in servers:
            server.stop()
        for app in (a, b):
            with app.app_context():
                db.engine.dispose()


@pytest.mark.postgres
def test_two_instances_on_postgresql_find_each_others_edits(
    postgres_url: str,
    tmp_path: Path,
    content_dir: Path,
) -> None:
    two_instances_stay_in_step(tmp_path, content_dir, postgres_url)


@pytest.mark.postgres
def test_two_instances_searching_in_postgresql_find_each_others_edits(
    postgres_url: str,
    tmp_path: Path,
    content_dir: Path,
) -> None:
    database = fresh_database(postgres_url, "two_instances_search")
    two_instances_stay_in_step(tmp_path, content_dir, database, backend="postgresql")


def test_two_instances_on_one_sqlite_file_find_each_others_edits(
    tmp_path: Path, content_dir: Path
) -> None:
    two_instances_stay_in_step(tmp_path, content_dir, f"sqlite:///{tmp_path / 'shared.sqlite'}")


# --- the cursor, in process, on a real database and real indexes ----------------------------


@pytest.fixture
def pair(tmp_path: Path, content_dir: Path) -> Iterator[tuple[Flask, Flask]]:
    """Two instances on one SQLite file, each with a built index."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    a = instance(tmp_path, content_dir, "a", url)
    load_content(a)
    b = instance(tmp_path, content_dir, "b", url)
    with b.app_context():
        search_index.rebuild()
    yield a, b


def slugs(app: Flask, query: str) -> list[str]:
    with app.app_context():
        ids = run_search(query).ids
        return list(db.session.scalars(select(Article.slug).where(Article.id.in_(ids))))


def test_a_change_applied_by_one_index_reaches_the_other(pair: tuple[Flask, Flask]) -> None:
    a, b = pair
    edit_through(a, "oogo-test", "Het OOGO en de korhoen")
    assert slugs(a, "korhoen") == ["oogo-test"]
    assert slugs(b, "korhoen") == ["oogo-test"]  # the shared outbox used to be drained by A


def _log(app: Flask, article_slug: str, change_id: int) -> None:
    """Append a change with a chosen id (what a transaction that took the id earlier commits)."""
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == article_slug))
        db.session.add(IndexChange(id=change_id, article_id=article.id, op="index",
                                   created_at=utcnow()))  # fmt: skip
        db.session.commit()


def test_a_change_that_commits_after_a_later_id_is_not_missed(pair: tuple[Flask, Flask]) -> None:
    a, b = pair
    with a.app_context():
        head = changes.bounds()[1]
        portrait = db.session.scalar(
            select(Article).where(Article.slug == "regioportret-testregio")
        )
        portrait.title = "Regioportret met wulp"
        oogo = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        oogo.title = "Het OOGO met grutto"
        db.session.commit()  # the articles changed; their log rows come below, out of order
    _log(a, "oogo-test", head + 2)  # committed first, with the later id
    assert slugs(b, "grutto") == ["oogo-test"]
    root_b = Path(b.config["INDEX_DIR"])
    cursor = changes.read_cursor(root_b / search_index.current_generation(root_b))
    assert cursor.position == head and cursor.applied == {head + 2} and head + 1 in cursor.gaps
    _log(a, "regioportret-testregio", head + 1)  # the earlier id commits later: still applied
    assert slugs(b, "wulp") == ["regioportret-testregio"]
    cursor = changes.read_cursor(root_b / search_index.current_generation(root_b))
    assert cursor.position == head + 2 and not cursor.applied and not cursor.gaps


def test_a_gap_that_never_commits_is_given_up_after_the_wait(pair: tuple[Flask, Flask]) -> None:
    a, b = pair
    b.config["INDEX_LOG_GAP_SECONDS"] = 0  # a rolled-back id: nothing will fill it
    with a.app_context():
        head = changes.bounds()[1]
    _log(a, "oogo-test", head + 2)
    slugs(b, "oogo")
    root_b = Path(b.config["INDEX_DIR"])
    cursor = changes.read_cursor(root_b / search_index.current_generation(root_b))
    assert cursor.position == head + 2


def test_health_reports_an_index_that_lags_the_database(pair: tuple[Flask, Flask]) -> None:
    a, b = pair
    root_b = Path(b.config["INDEX_DIR"])
    with b.app_context():
        ix = search_index.open_generation(root_b, search_index.current_generation(root_b))
        writer = ix.writer()  # another writer holds B's index: B cannot catch up
    try:
        edit_through(a, "oogo-test", "Het OOGO en de kievit")
        with a.app_context():  # the change has waited longer than INDEX_LAG_MAX_SECONDS
            db.session.execute(update(IndexChange).values(
                created_at=utcnow() - timedelta(seconds=300)))  # fmt: skip
            db.session.commit()
        response = b.test_client().get("/healthz")
        assert response.status_code == 503 and "loopt achter" in response.json["checks"]["index"]
        assert a.test_client().get("/healthz").status_code == 200  # A applied it
        result = b.test_cli_runner().invoke(args=["kb", "check-index"])
        assert result.exit_code == 1 and "nog toe te passen: 1" in result.output
    finally:
        writer.cancel()
    assert b.test_client().get("/healthz").status_code == 200  # caught up once the lock is free
    check_passes(b)


def test_an_index_behind_the_pruned_log_is_rebuilt(pair: tuple[Flask, Flask]) -> None:
    a, b = pair
    root_b = Path(b.config["INDEX_DIR"])
    with b.app_context():
        ix = search_index.open_generation(root_b, search_index.current_generation(root_b))
        writer = ix.writer()  # B is down or locked while A works and the log is pruned
    try:
        edit_through(a, "oogo-test", "Het OOGO en de scholekster")
        edit_through(a, "regioportret-testregio", "Regioportret met tureluur")
        with a.app_context():
            db.session.execute(update(IndexChange).values(created_at=utcnow() - timedelta(days=30)))
            db.session.commit()
            assert changes.prune() > 0  # everything but the newest row
    finally:
        writer.cancel()
    before = search_index.current_generation(root_b)
    with b.app_context():
        ok, message = health()
        assert not ok and "opgeschoonde" in message
    deadline = time.monotonic() + 60  # the background rebuild switches to a new generation
    while search_index.current_generation(root_b) == before:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert slugs(b, "scholekster") == ["oogo-test"]
    with b.app_context():
        report = check_index()
        assert report.clean and report.pending == 0


def test_queue_for_index_logs_the_operation(pair: tuple[Flask, Flask]) -> None:
    a, _b = pair
    with a.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        article.status = "unpublished"
        queue_for_index(article)
        commit_and_index()
        last = db.session.scalar(select(IndexChange).order_by(IndexChange.id.desc()).limit(1))
        assert (last.article_id, last.op) == (article.id, "remove")
