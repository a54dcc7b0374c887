"""A throwaway PostgreSQL cluster on loopback, for tests that prove behaviour on PostgreSQL.

The same start-up as tests/test_database.py's fixture (which can move here when convenient).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.server import free_port


def pg_bin() -> Path:
    """Return the newest installed PostgreSQL server bin folder (KB_PG_BIN overrides)."""
    if "KB_PG_BIN" in os.environ:
        return Path(os.environ["KB_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/missing/bin")


@contextmanager
def running_postgres() -> Iterator[str]:
    """Start a cluster (as the postgres user when root); yield its SQLAlchemy URL."""
    bin_dir = pg_bin()
    if not (bin_dir / "initdb").exists():
        raise RuntimeError(f"PostgreSQL server binaries not found in {bin_dir}: make postgres")
    root = Path(tempfile.mkdtemp(prefix="kb-pg-"))
    data, port = root / "data", free_port()
    as_user = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], **run)  # fmt: skip
    subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l",
                    str(data / "server.log"), "-o",
                    f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start"], **run)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # pg_ctl -w waited already; this is a safety net
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       check=False, capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(server_url: str, name: str) -> str:
    """Create an empty database `name` on the running cluster; return its SQLAlchemy URL."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
