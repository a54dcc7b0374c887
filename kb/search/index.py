"""The search index's life: readers, writing after commit, atomic rebuilds, recovery.

Over 300 lines on purpose: readers, writers and rebuilds share one locking protocol (the
CURRENT switch and the write lock), which is only checkable when it is read in one place.

Layout: `INDEX_DIR/CURRENT` names the live generation, a whoosh index in `INDEX_DIR/<gen>/`.
`rebuild()` builds a new generation while holding the live one's write lock, then replaces
`CURRENT` atomically, so readers keep the old index until the new one is committed and no
incremental write can slip between the two. Writers (`process_outbox`) take the live
generation's lock with a timeout and check `CURRENT` again once they hold it. Readers reuse one
searcher per thread and open a new one when `CURRENT` changed or `up_to_date()` is false.

A missing or corrupt index is rebuilt from the database: at once when it is small, otherwise
in a background thread while searches answer 503; outbox rows wait meanwhile, so nothing is lost.

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

from flask import current_app
from sqlalchemy import delete, func, select, update
from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.searching import Searcher
from whoosh.writing import MERGE_SMALL

from kb.models import Article, IndexOutbox, db
from kb.search.analysis import DutchAnalysis
from kb.search.documents import analysis_from_db, document, make_schema, published_articles
from kb.search.storage import (
    IndexUnavailable,
    cleanup,
    current_generation,
    file_lock,
    index_root,
    open_generation,
    switch_to,
)

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


def reader() -> ReaderState:
    """Return this thread's searcher, reopened when the index changed; recover when broken.

    Raises IndexUnavailable when the index is being rebuilt in the background.
    """
    try:
        return _reader()
    except IndexUnavailable as exc:
        log.warning("Index onbruikbaar (%s); opnieuw opbouwen", exc)
        if not recover_now():
            raise
        return _reader()


def _reader() -> ReaderState:
    root = index_root()
    states: dict[Path, ReaderState] = _local.__dict__.setdefault("states", {})
    generation = current_generation(root)
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
    except Exception as exc:  # missing or truncated segment files
        raise IndexUnavailable(f"index beschadigd: {exc.__class__.__name__}") from exc
    state = ReaderState(root, generation or "", index, searcher)
    states[root] = state
    return state


# --- writing --------------------------------------------------------------------------------


def process_outbox() -> int:
    """Apply waiting index work after a commit; a locked index leaves the rows for later."""
    if db.session.scalar(select(IndexOutbox.id).limit(1)) is None:
        return 0
    root = index_root()
    for _attempt in range(3):
        generation = current_generation(root)
        try:
            ix = open_generation(root, generation)
        except IndexUnavailable as exc:
            if generation is None:  # a fresh install: not a fault
                log.info("Nog geen index; opbouwen uit de database")
            else:
                log.warning("Index onbruikbaar bij bijwerken (%s); opnieuw opbouwen", exc)
            waiting = db.session.scalar(select(func.count(func.distinct(IndexOutbox.article_id))))
            # The rebuild reads the database and then applies the outbox, so on success every
            # waiting article is in the index.
            return (waiting or 0) if recover_now() else 0
        try:
            writer = ix.writer(timeout=current_app.config["INDEX_WRITER_TIMEOUT"])
        except LockError:
            _note_failure("index bezet door een andere schrijver (LockError)")
            log.warning("Index bezet; %s blijft in de wachtrij", _pending())
            return 0
        if current_generation(root) != generation:  # a rebuild switched while we waited
            writer.cancel()
            continue
        try:
            count, handled = _apply(writer)
            # No merge here: the change is searchable as soon as this commit lands.
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            raise
        db.session.execute(delete(IndexOutbox).where(IndexOutbox.id.in_(handled)))
        db.session.commit()
        _merge_small_segments(ix)
        return count
    return 0


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


def _apply(writer: Any) -> tuple[int, list[int]]:
    """Write the outbox's articles into an open writer; return (articles, outbox row ids)."""
    rows = db.session.execute(select(IndexOutbox.id, IndexOutbox.article_id)).all()
    ids = sorted({article_id for _, article_id in rows})
    published = {a.id: a for a in published_articles(ids)}
    for article_id in ids:
        article = published.get(article_id)
        if article is None:
            writer.delete_by_term("id", str(article_id))
        else:
            writer.update_document(**document(article))
    return len(ids), [row_id for row_id, _ in rows]


def _note_failure(message: str) -> None:
    db.session.execute(
        update(IndexOutbox).values(attempts=IndexOutbox.attempts + 1, last_error=message[:500])
    )
    db.session.commit()


def _pending() -> str:
    return f"{db.session.scalar(select(func.count(IndexOutbox.id)))} wachtende artikel(en)"


def rebuild(force: bool = True, lock_timeout: float | None = None) -> int:
    """Build a new generation from the database and switch to it atomically.

    With force=False (recovery) nothing happens when the live index turns out to be healthy
    once the rebuild lock is ours: another process repaired it first.
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
        if not force and check_health(root)[0]:
            return 0
        try:
            old = open_generation(root, old_name)
        except IndexUnavailable:
            old = None
        with _old_writes_blocked(old, timeout):
            name = f"g{time.time_ns():x}{os.getpid():x}"
            count = _build(root / name)
            switch_to(root, name)
        cleanup(root, {name, old_name or name})
    log.info("Index opnieuw opgebouwd: %d artikelen (%s)", count, name)
    process_outbox()  # work queued while the old index was blocked goes into the new one
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


def recover() -> int:
    """Rebuild a missing or corrupt index unless another process already did."""
    return rebuild(force=False)


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


# --- health ----------------------------------------------------------------------------------


def check_health(root: Path) -> tuple[bool, str]:
    """Open the live generation afresh and read a little of everything."""
    try:
        ix = open_generation(root, current_generation(root))
        with ix.searcher() as searcher:
            count = searcher.doc_count()
            reader_ = searcher.reader()
            for kind in list(reader_.lexicon("kind"))[:1]:
                first = next(iter(reader_.postings("kind", kind).all_ids()), None)
                if first is not None:
                    searcher.stored_fields(first)
            return True, f"{count} artikelen in de index"
    except IndexUnavailable as exc:
        return False, str(exc)
    except Exception as exc:  # any read failure means the files are damaged
        return False, f"index beschadigd: {exc.__class__.__name__}"
