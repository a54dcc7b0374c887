"""The schema comes from migrations, on SQLite (WAL) and on a real PostgreSQL server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from kb.models import db
from tests.support.app import build_app, load_content


def _pg_bin() -> Path:
    """Return the newest installed PostgreSQL server bin folder (KB_PG_BIN overrides)."""
    if "KB_PG_BIN" in os.environ:
        return Path(os.environ["KB_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/missing/bin")


PG_BIN = _pg_bin()


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app: Flask) -> None:
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000  # the default
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_sqlite_busy_timeout_is_configurable(tmp_path: Path, content_dir: Path) -> None:
    app = build_app(tmp_path, content_dir, DATABASE_BUSY_TIMEOUT=1.5)
    with app.app_context():
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 1500


def test_migrations_match_the_models_and_downgrade_cleanly(empty_app: Flask) -> None:
    with empty_app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())


@pytest.mark.postgres
def test_postgresql_migrates_syncs_and_serves(
    postgres_url: str, tmp_path: Path, content_dir: Path
) -> None:
    app = build_app(tmp_path, content_dir, DATABASE_URL=postgres_url)
    load_content(app)
    load_content(app)  # a second sync is a no-op on PostgreSQL too
    client = app.test_client()
    assert client.get("/artikel/oke-op-school-test").status_code == 200
    data = client.get("/api/v1/articles?advice=1&theme=preventief-jeugdbeleid").json
    assert [item["slug"] for item in data["items"]] == ["oke-op-school-test"]
    assert client.get("/healthz").json["checks"]["database"] == "ok"
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the server goes away
