"""The schema comes from migrations, on SQLite (WAL) and on a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """Start a throwaway PostgreSQL cluster on loopback (as the postgres user when root)."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL server binaries not found in {PG_BIN}: run `make postgres`")
    # Outside pytest's private tmp tree: the server runs as the postgres user when we are root.
    root = Path(tempfile.mkdtemp(prefix="kb-pg-"))
    data = root / "data"
    port = _free_port()
    as_user = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run([*as_user, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], **run)  # fmt: skip
    subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l",
                    str(data / "server.log"), "-o",
                    f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start"], **run)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       check=False, capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


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
