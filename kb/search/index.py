"""The search index's life: readers, following the change log, atomic rebuilds, recovery.

Over 300 lines on purpose: readers, writers and rebuilds share one locking protocol (the
CURRENT switch and the write lock), which is only checkable when it is read in one place.

Layout: `INDEX_DIR/CURRENT` names the live generation, a whoosh index in `INDEX_DIR/<gen>/`
with its change-log cursor beside it (`kb.search.changes`). `rebuild()` records the log position,
builds a new generation while holding the live one's write lock, then replaces `CURRENT`
atomically and applies what was logged meanwhile. Writers (`apply_changes`) take the live
generation's lock with a timeout and check `CURRENT` again once they hold it. Readers reuse one
searcher per thread and open a new one when `CURRENT` changed or `up_to_date()` is false; before
that, once per request, they apply changes other instances logged (one `SELECT` when current).

A missing or corrupt index is rebuilt from the database: at once when it is small, otherwise
in a background thread while searches answer 503. A generation a search could not read is
marked broken (`INDEX_DIR/BROKEN`, seen by every worker): searches answer 503 and one rebuild
runs in the background (the rebuild lock is a file lock, so one at a time across processes).
Logged changes wait meanwhile, so nothing is lost.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import func, select
from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.searching import Searcher
from whoosh.writing import MERGE_SMALL

from kb.models import Article, db
from kb.search import changes
from kb.search.analysis import DutchAnalysis
from kb.search.documents import analysis_from_db, document, make_schema, published_articles
from kb.search.storage import (
    IndexUnavailable,
    broken_reason,
    cleanup,
    clear_broken,
    current_generation,
    file_lock,
    index_root,
    mark_broken,
    open_generation,
    repeats_after_rebuild,
    switch_to,
)
from kb.search.verify import check_health

log = logging.getLogger(__name__)

BUILD_PROCS = 2
PARALLEL_BUILD_MIN = 2000
MAX_SEGMENTS = 6  # small segments from single publishes are merged beyond this


# --- readers --------------------------------------------------------------------------------


@dataclass
class ReaderState:
    """One thread's open searcher on one index, with caches that live as long as it does."""

    root: Path
    generation: str
    index: whoosh_index.Index
    searcher: Searcher
    caches: dict[str, Any] = field(default_factory=dict)

    @property
    def analysis(self) -> DutchAnalysis:
        """Return the analysis the index was built with (one object, so its caches last)."""
        key = (self.root, self.generation)
        analysis = _analyses.get(key)
        if analysis is None:
            # Not index.schema: whoosh re-reads and unpickles the TOC on every access. One
            # object per generation keeps its word caches warm across reopened searchers.
            analysis = self.searcher.schema["body"].analyzer[-1].analysis
            _analyses[key] = analysis
        return analysis

    def close(self) -> None:
        """Close the searcher (its files stay valid for anyone else)."""
        try:
            self.searcher.close()
        except Exception:  # closing a searcher on a removed generation may fail; nothing to keep
            log.debug("searcher close failed", exc_info=True)


_local = threading.local()
_analyses: dict[tuple[Path, str], DutchAnalysis] = {}


class IndexBroken(IndexUnavailable):
    """The live generation was marked broken by a read error; a rebuild is under way."""


def reader() -> ReaderState:
    """Return this thread's searcher, caught up with the change log; recover when broken.

    Raises IndexUnavailable when the index is broken or being rebuilt in the background.
    """
    _catch_up_once()
    try:
        return _reader()
    except IndexBroken:
        recover_in_background()
        raise
    except IndexUnavailable as exc:
        log.warning("Index onbruikbaar (%s); opnieuw opbouwen", exc)
        if not recover_now():
            raise
        return _reader()


def _reader() -> ReaderState:
    root = index_root()
    states: dict[Path, ReaderState] = _local.__dict__.setdefault("states", {})
    generation = current_generation(root)
    reason = broken_reason(root, generation)
    if reason is not None:
        raise IndexBroken(f"index beschadigd: {reason}")
    state = states.get(root)
    if state is not None and state.generation == generation:
        try:
            # Never refresh(): a fresh searcher is the only way to see a merge correctly.
            if state.searcher.up_to_date():
                return state
        except Exception:  # the generation was removed under us; open the live one
            log.debug("up_to_date failed", exc_info=True)
    if state is not None:
        state.close()
        del states[root]
    index = open_generation(root, generation, mmap=True)
    try:
        searcher = index.searcher()
    except Exception as exc:  # missing, truncated or damaged segment files
        message = f"{exc.__class__.__name__}: {exc}"
        if generation is not None:  # so health and the rebuild agree that it is broken
            mark_broken(root, generation, message)
        # Not IndexBroken: a small index is rebuilt inside this request (see reader()).
        raise IndexUnavailable(f"index beschadigd: {message}") from exc
    state = ReaderState(root, generation or "", index, searcher)
    states[root] = state
    return state


def mark_reader_broken(reason: str) -> bool:
    """Mark the generation this thread searched as broken (a read error) and start a rebuild.

    Returns False, marking nothing, when the same error hit the generation before this one
    shortly before: the rebuild did not cure it, so it is not damage (see storage).
    """
    root = index_root()
    state = _local.__dict__.get("states", {}).pop(root, None)
    generation = state.generation if state is not None else current_generation(root)
    if state is not None:
        state.close()
    if generation and repeats_after_rebuild(root, generation, reason):
        log.error("Zelfde leesfout na herbouw (%s): geen beschadiging, geen nieuwe herbouw", reason)
        return False
    if generation:
        log.error("Leesfout in index %s (%s); zoeken geeft 503 tot de herbouw klaar is",
                  generation, reason)  # fmt: skip
        mark_broken(root, generation, reason)
    recover_in_background()
    return True


def _catch_up_once() -> None:
    """Before the first search of a request: apply changes other instances logged."""
    if has_request_context():
        if g.get("_kb_index_caught_up"):
            return
        g._kb_index_caught_up = True
    try:
        catch_up()
    except Exception:  # a search still answers from the index as it is; health reports the lag
        db.session.rollback()
        log.warning("Index bijwerken voor het zoeken mislukt", exc_info=True)


# --- following the change log ----------------------------------------------------------------


def catch_up() -> int:
    """Apply logged changes this index has not seen; cheap (one query) when it is current.

    Never waits for the write lock: when another process is writing, the search goes ahead.
    """
    root = index_root()
    generation = current_generation(root)
    if generation is None or broken_reason(root, generation) is not None:
        return 0
    cursor = changes.read_cursor(root / generation)
    low, head = changes.bounds()
    if not cursor.behind(head):
        return 0
    if changes.lost(cursor, low):
        log.warning("Index loopt achter op opgeschoonde wijzigingen; opnieuw opbouwen")
        recover_in_background()
        return 0
    return apply_changes(lock_timeout=0.0, maintain=False)


def apply_changes(lock_timeout: float | None = None, maintain: bool = True) -> int:
    """Apply the change log's entries this index has not applied; return how many articles.

    Called after every commit that changed articles. A locked index leaves the changes in the
    log for the next run (any later commit or search, `kb index-pending` or `kb reindex`).
    maintain=False (before a search) skips pruning the log and merging segments.
    """
    root = index_root()
    timeout = current_app.config["INDEX_WRITER_TIMEOUT"] if lock_timeout is None else lock_timeout
    for _attempt in range(3):
        generation = current_generation(root)
        try:
            ix = open_generation(root, generation)
        except IndexUnavailable as exc:
            if generation is None:  # a fresh install: not a fault
                log.info("Nog geen index; opbouwen uit de database")
            else:
                log.warning("Index onbruikbaar bij bijwerken (%s); opnieuw opbouwen", exc)
            waiting = len(changes.pending(changes.Cursor()))
            # The rebuild reads the database and then the log, so on success every logged
            # change is in the index.
            return waiting if recover_now() else 0
        if broken_reason(root, generation) is not None:
            return 0  # the rebuild under way applies the log when it is done
        path = root / generation
        if changes.lost(changes.read_cursor(path), changes.bounds()[0]):
            recover_in_background()  # it cannot catch up: changes it missed were pruned
            return 0
        if not changes.pending(changes.read_cursor(path)):
            _settle(path)
            return 0
        try:
            writer = ix.writer(timeout=timeout)
        except LockError:
            # Before a search (no wait) a busy lock is the normal case: the writer holding it
            # applies the log. Only a commit that waited its full timeout is worth a warning.
            log.log(
                logging.DEBUG if timeout == 0 else logging.WARNING,
                "Index bezet; de wijzigingen blijven in de log voor een volgende keer",
            )
            return 0
        if current_generation(root) != generation:  # a rebuild switched while we waited
            writer.cancel()
            continue
        cursor = changes.read_cursor(path)  # again, under the lock: another process may be ahead
        rows = changes.pending(cursor)
        if not rows:
            writer.cancel()
            return 0
        try:
            count = _apply(writer, rows)
            # No merge here: the change is searchable as soon as this commit lands.
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            raise
        changes.save_cursor(path, changes.Cursor(cursor.position,
                                                 cursor.applied | {i for i, _ in rows},
                                                 cursor.gaps).settle())  # fmt: skip
        if maintain:
            changes.prune()
            _merge_small_segments(ix)
        return count
    return 0


def _settle(path: Path) -> None:
    """Let waited-out gaps count as rolled back (nothing to write into the index)."""
    cursor = changes.read_cursor(path)
    settled = cursor.settle()
    if settled != cursor:
        changes.save_cursor(path, settled)


def _merge_small_segments(ix: whoosh_index.Index) -> None:
    """Merge the small segments that single publishes leave, once there are enough of them.

    Runs after the change is committed and searchable, so a merge (a few hundred ms at 10,000
    articles) never delays visibility; skipped when another writer holds the lock.
    """
    if len(ix._segments()) <= MAX_SEGMENTS:  # noqa: SLF001 (whoosh 2.7.4 is pinned)
        return
    try:
        writer = ix.writer(timeout=0)
    except LockError:
        return
    try:
        writer.commit(mergetype=MERGE_SMALL)
    except BaseException:
        writer.cancel()
        raise


def _apply(writer: Any, rows: list[tuple[int, int]]) -> int:
    """Write the current state of the logged articles into an open writer; return how many."""
    ids = sorted({article_id for _, article_id in rows})
    published = {a.id: a for a in published_articles(ids)}
    for article_id in ids:
        article = published.get(article_id)
        if article is None:
            writer.delete_by_term("id", str(article_id))
        else:
            writer.update_document(**document(article))
    return len(ids)


def rebuild(force: bool = True, lock_timeout: float | None = None) -> int:
    """Build a new generation from the database and switch to it atomically.

    With force=False (recovery) nothing happens when the live index turns out to be healthy
    and within the change log once the rebuild lock is ours: another process repaired it first.
    """
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    timeout = current_app.config["INDEX_REBUILD_TIMEOUT"]
    with file_lock(
        root / "REBUILD_LOCK", timeout if lock_timeout is None else lock_timeout
    ) as locked:
        if not locked:
            raise LockError("een andere herbouw loopt nog")
        old_name = current_generation(root)
        if not force and check_health(root)[0] and not _lost(root, old_name):
            return 0
        try:
            old = open_generation(root, old_name)
        except IndexUnavailable:
            old = None
        previous = changes.read_cursor(root / old_name) if old is not None else None
        with _old_writes_blocked(old, timeout):
            name = f"g{time.time_ns():x}{os.getpid():x}"
            # The log position before the articles are read: what commits later is applied
            # on top, so a publish during the build is not lost.
            start = changes.start_cursor(previous)
            count = _build(root / name)
            changes.save_cursor(root / name, start)
            switch_to(root, name)
        clear_broken(root)
        cleanup(root, {name, old_name or name})
    log.info("Index opnieuw opgebouwd: %d artikelen (%s)", count, name)
    apply_changes()  # changes logged during the build go into the new generation
    return count


@contextmanager
def _old_writes_blocked(old: whoosh_index.Index | None, timeout: float) -> Iterator[None]:
    """Hold the old generation's write lock so no write lands there during the build."""
    if old is None:
        yield
        return
    lock = old.lock("WRITELOCK")
    deadline = time.monotonic() + timeout
    while not lock.acquire(False):
        if time.monotonic() >= deadline:
            raise LockError("de oude index blijft bezet")
        time.sleep(0.05)
    try:
        yield
    finally:
        lock.release()


def _build(path: Path) -> int:
    path.mkdir(parents=True)
    ix = whoosh_index.create_in(str(path), make_schema(analysis_from_db()))
    published = db.session.scalar(
        select(func.count(Article.id)).where(Article.status == "published")
    )
    if (
        published or 0
    ) > PARALLEL_BUILD_MIN and threading.current_thread() is threading.main_thread():
        # Worker processes analyse in parallel, each writing its own segment (no merge at the
        # end). Only for big builds from a main thread (`kb reindex`): forking from a
        # threaded server or a background thread risks inheriting a held lock.
        writer = ix.writer(procs=BUILD_PROCS, multisegment=True, limitmb=128)
    else:
        writer = ix.writer(limitmb=128)
    count = 0
    try:
        for article in published_articles():
            writer.add_document(**document(article))
            count += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        shutil.rmtree(path, ignore_errors=True)
        raise
    return count


def _lost(root: Path, generation: str | None) -> bool:
    """Tell whether a generation lags behind the pruned change log (it cannot catch up)."""
    if generation is None:
        return False
    return changes.lost(changes.read_cursor(root / generation), changes.bounds()[0])


def recover() -> int:
    """Rebuild a missing, corrupt or hopelessly lagging index unless another process did.

    Gives up at once when another process holds the rebuild lock: it is doing the repair.
    """
    try:
        return rebuild(force=False, lock_timeout=1.0)
    except LockError:  # another process holds the rebuild lock: it repairs the index
        return 0


def recover_now() -> bool:
    """Rebuild a small index right away; start a background rebuild for a large one.

    Returns whether the index is usable now. A request never waits long: another process's
    rebuild gets a few seconds, a large rebuild goes to the background.
    """
    published = db.session.scalar(
        select(func.count(Article.id)).where(Article.status == "published")
    )
    if (published or 0) > current_app.config["INDEX_SYNC_REBUILD_MAX"]:
        recover_in_background()
        return False
    try:
        rebuild(force=False, lock_timeout=5.0)
    except LockError:
        return False
    return check_health(index_root())[0]


_recovering = threading.Lock()


def recover_in_background() -> bool:
    """Start rebuilding in a background thread (one per process); False if one is running."""
    if not _recovering.acquire(blocking=False):
        return False
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        try:
            with app.app_context():
                recover()
        except Exception:  # logged; the next health check or search tries again
            log.exception("Index herstellen op de achtergrond mislukt")
        finally:
            _recovering.release()

    threading.Thread(target=run, name="kb-index-herstel", daemon=True).start()
    return True
