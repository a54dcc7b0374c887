"""The anonymous search log: what was searched and how many results it had (no user, no address).

Written off the request path: a search puts its row on a bounded queue and answers at once; one
writer thread per process inserts the rows in batches over its own short-timeout connection.
When the queue is full or the database is busy (SQLite "database is locked", a PostgreSQL lock
timeout) the rows are dropped and counted, never waited for: a search must not wait on its own
log. Rows older than SEARCH_LOG_RETENTION_DAYS are deleted by `kb purge-search-log` and, at most
once a day, by the writer itself.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import create_engine, delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from kb.analytics import normalise
from kb.models import SearchClick, SearchLog, db, utcnow

log = logging.getLogger(__name__)

QUEUE_SIZE = 1000  # rows waiting per process; beyond this a search's row is dropped
BATCH = 200
BUSY_TIMEOUT_MS = 2000  # how long the writer (never a request) waits for a locked database
PURGE_EVERY = 24 * 3600.0


@dataclass
class _Row:
    url: str
    retention_days: int
    values: dict[str, Any]


class _Writer:
    """The queue and its writer thread (started lazily, again after a fork)."""

    def __init__(self) -> None:
        self.queue: queue.Queue[_Row] = queue.Queue(QUEUE_SIZE)
        self.pid = 0
        self.lock = threading.Lock()
        self.idle = threading.Condition()
        self.pending = 0
        self.written = 0
        self.dropped = 0
        self.engines: dict[str, Engine] = {}
        self.purged: dict[str, float] = {}

    def put(self, row: _Row) -> None:
        self._ensure_thread()
        with self.idle:
            try:
                self.queue.put_nowait(row)
            except queue.Full:
                self.dropped += 1
                return
            self.pending += 1

    def _ensure_thread(self) -> None:
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid != os.getpid():
                # A forked worker inherits the queue object but not the thread: start afresh.
                self.queue = queue.Queue(QUEUE_SIZE)
                self.pending = 0
                self.engines = {}
                threading.Thread(target=self._run, name="kb-search-log", daemon=True).start()
                self.pid = os.getpid()

    def _run(self) -> None:
        while True:
            rows = [self.queue.get()]
            while len(rows) < BATCH:
                try:
                    rows.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            for url in dict.fromkeys(r.url for r in rows):
                batch = [r for r in rows if r.url == url]
                self._write(url, batch)
            with self.idle:
                self.pending -= len(rows)
                self.idle.notify_all()

    def _write(self, url: str, rows: list[_Row]) -> None:
        try:
            with self._engine(url).begin() as conn:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                else:
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
                    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {2 * BUSY_TIMEOUT_MS}")
                conn.execute(insert(SearchLog), [r.values for r in rows])
                self._purge_now_and_then(conn, url, rows[0].retention_days)
            self.written += len(rows)
        except Exception as exc:  # busy, locked or broken: the log is worth less than a wait
            self.dropped += len(rows)
            log.warning("Zoeklog: %d regel(s) niet geschreven (%s)", len(rows), exc)

    def _purge_now_and_then(self, conn: Any, url: str, days: int) -> None:
        now = time.monotonic()
        if now - self.purged.get(url, -PURGE_EVERY) >= PURGE_EVERY:
            conn.execute(delete(SearchLog).where(SearchLog.created_at < _cutoff(days)))
            conn.execute(delete(SearchClick).where(SearchClick.created_at < _cutoff(days)))
            self.purged[url] = now

    def _engine(self, url: str) -> Engine:
        engine = self.engines.get(url)
        if engine is None:
            # Its own engine without a pool: a writer connection never sits in the app's pool.
            engine = self.engines[url] = create_engine(url, poolclass=NullPool)
        return engine

    def flush(self, timeout: float) -> bool:
        """Wait until every queued row is written or dropped; False on timeout."""
        with self.idle:
            return self.idle.wait_for(lambda: self.pending == 0, timeout)


_writer = _Writer()
atexit.register(lambda: _writer.flush(2.0))


def _cutoff(days: int):
    return utcnow() - timedelta(days=days)


def log_search(
    query: str,
    filters: dict[str, list[str]],
    total: int,
    corrected: str | None = None,
    search_key: str | None = None,
) -> None:
    """Queue one search for the log; never waits and never fails the search."""
    try:
        values = {"query": query[:500], "normalised": normalise(query), "filters": filters,
                  "result_count": total, "corrected": (corrected or None) and corrected[:500],
                  "search_key": search_key, "created_at": utcnow()}  # fmt: skip
        url = db.engine.url.render_as_string(hide_password=False)
        retention = int(current_app.config["SEARCH_LOG_RETENTION_DAYS"])
        _writer.put(_Row(url, retention, values))
    except Exception:  # a broken log must not cost the reader the results
        log.warning("Zoekopdracht niet gelogd", exc_info=True)


def flush_search_log(timeout: float = 10.0) -> bool:
    """Wait until the queued searches are written or dropped (tests, shutdown)."""
    return _writer.flush(timeout)


def search_log_stats() -> dict[str, int]:
    """Return how many rows this process wrote, dropped and still has queued."""
    return {"written": _writer.written, "dropped": _writer.dropped, "queued": _writer.pending}


def purge_search_log(days: int) -> int:
    """Delete search-log rows older than days; return how many were deleted."""
    cutoff = _cutoff(days)
    result = db.session.execute(delete(SearchLog).where(SearchLog.created_at < cutoff))
    db.session.execute(delete(SearchClick).where(SearchClick.created_at < cutoff))
    db.session.commit()
    return result.rowcount or 0
