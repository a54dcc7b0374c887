"""The search log is off the request path: a locked database never holds up a search; retention.

The lock is real: another process holds `BEGIN EXCLUSIVE` on the app's SQLite file (and says so
on stdout) while the search runs.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade
from sqlalchemy import event, func, select

from kb.models import SearchLog, db, utcnow
from kb.search import flush_search_log, search_log_stats
from tests.support.app import build_app, load_content

HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO search_log (query, filters, result_count, created_at) "
             "VALUES ('vasthouder', '{}', 0, '2026-01-01 00:00:00')")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
print("released", flush=True)
"""


@contextmanager
def exclusive_lock(database: Path) -> Iterator[None]:
    """Hold an exclusive write lock on the SQLite file from another process meanwhile."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()
        holder.stdin.close()
        holder.stdout.close()


def _log_rows(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(SearchLog.query).order_by(SearchLog.id)))


def test_search_answers_while_the_database_is_locked(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/zoeken?q=jeugdhulp").status_code == 200
    assert flush_search_log()
    sent: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    dropped = search_log_stats()["dropped"]
    with exclusive_lock(Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))):
        response = client.get("/zoeken?q=thuiszitters")
        # The search answered while the lock was held, and its request never tried to write.
        assert response.status_code == 200 and "Zoeken" in response.text
        assert not [s for s in sent if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
        # The writer gives up on the locked database and drops the row instead of waiting on.
        assert flush_search_log(timeout=60)
        assert search_log_stats()["dropped"] == dropped + 1
    event.remove(engine, "before_cursor_execute", record)
    assert _log_rows(app) == ["jeugdhulp"]
    # Once the lock is gone the log works again.
    client.get("/zoeken?q=oogo")
    assert flush_search_log()
    assert _log_rows(app) == ["jeugdhulp", "oogo"]


def test_purge_search_log_keeps_the_retention_period(app: Flask) -> None:
    now = utcnow()
    with app.app_context():
        for query, age in (("oud", 400), ("randgeval", 364), ("nieuw", 1)):
            db.session.add(SearchLog(query=query, filters={}, result_count=1,
                                     created_at=now - timedelta(days=age)))  # fmt: skip
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kb", "purge-search-log"])
    assert result.exit_code == 0, result.output
    assert "1 regel(s) ouder dan 365 dagen" in result.output
    assert _log_rows(app) == ["randgeval", "nieuw"]
    result = runner.invoke(args=["kb", "purge-search-log", "--days", "30"])
    assert result.exit_code == 0 and _log_rows(app) == ["nieuw"]


def test_retention_days_come_from_config(tmp_path: Path) -> None:
    from tests.support.app import make_app

    app = make_app(tmp_path, SEARCH_LOG_RETENTION_DAYS=10)
    with app.app_context():
        db.session.add(SearchLog(query="elf dagen", filters={}, result_count=0,
                                 created_at=utcnow() - timedelta(days=11)))  # fmt: skip
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["kb", "purge-search-log"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchLog)) == 0


@pytest.mark.postgres
def test_postgresql_rows_in_one_query_and_the_log_written(
    postgres_url: str,
    tmp_path: Path,
    content_dir: Path,
) -> None:
    """On PostgreSQL too: a result list is one query (string_agg) and the log is written."""
    app = build_app(tmp_path, content_dir, DATABASE_URL=postgres_url)
    load_content(app)
    client = app.test_client()
    try:
        data = client.get("/api/v1/search?q=jeugdhulp").json
        assert data["total"] >= 1 and all(r["themes"] for r in data["results"])
        assert client.get("/zoeken?q=jeugdhulp&theme=preventief-jeugdbeleid").status_code == 200
        assert flush_search_log()
        assert "jeugdhulp" in _log_rows(app)
        with app.app_context():
            engine = db.engine
        sent: list[str] = []

        def record(*args: object) -> None:
            sent.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", record)
        assert client.get("/zoeken?q=jeugdhulp").status_code == 200
        event.remove(engine, "before_cursor_execute", record)
        assert len(sent) == 3  # the index's change-log check, the change counter and the rows
    finally:
        with app.app_context():
            downgrade(revision="base")
            db.session.remove()
            db.engine.dispose()
