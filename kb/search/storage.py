"""Where the index lives on disk: generations behind a CURRENT pointer, opened safely.

`INDEX_DIR/CURRENT` names the live generation, a whoosh index in `INDEX_DIR/<gen>/`; switching
is one atomic rename of the pointer file.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import FileLock

POINTER = "CURRENT"


class IndexUnavailable(Exception):
    """The index is missing or cannot be read."""


def index_root() -> Path:
    """Return the configured index directory."""
    return Path(current_app.config["INDEX_DIR"])


def current_generation(root: Path) -> str | None:
    """Return the name of the live generation, or None when there is none."""
    try:
        name = (root / POINTER).read_text().strip()
    except OSError:
        return None
    return name if name and "/" not in name and not name.startswith(".") else None


def switch_to(root: Path, name: str) -> None:
    """Make name the live generation in one atomic rename."""
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w") as handle:
        handle.write(name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / POINTER)
    directory = os.open(root, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def open_generation(root: Path, name: str | None, mmap: bool = False) -> whoosh_index.Index:
    """Open a generation; raise IndexUnavailable when it is missing or unreadable.

    mmap=True suits long-lived searchers: whoosh then copies each segment into memory when a
    searcher opens (~40 ms at 10,000 articles, measured here) and reads fast afterwards.
    Writers, health checks and one-off readers open without it (~2 ms).
    """
    if name is None:
        raise IndexUnavailable("index ontbreekt")
    path = root / name
    # Not whoosh's exists_in(): it opens the index itself and leaks the file when it is corrupt.
    if not any(path.glob("_MAIN_*.toc")):
        raise IndexUnavailable(f"index ontbreekt ({name})")
    try:
        return FileStorage(str(path), supports_mmap=mmap).open_index()
    except Exception as exc:  # any unreadable table of contents means a corrupt index
        _close_leaked_files(exc)
        raise IndexUnavailable(f"index beschadigd: {exc.__class__.__name__}") from exc


def _close_leaked_files(exc: BaseException) -> None:
    """Close the TOC stream whoosh leaves open when it fails to read a corrupt index."""
    tb = exc.__traceback__
    while tb is not None:
        stream = tb.tb_frame.f_locals.get("stream")
        if stream is not None and getattr(stream, "is_closed", True) is False:
            stream.close()
        tb = tb.tb_next


def cleanup(root: Path, keep: set[str]) -> None:
    """Remove generations other than keep (the live one and the one before it)."""
    for path in root.iterdir():
        if path.is_dir() and path.name.startswith("g") and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def file_lock(path: Path, timeout: float) -> Iterator[bool]:
    """Hold a cross-process lock file; yield False when it stays taken past timeout."""
    lock = FileLock(str(path))
    deadline = time.monotonic() + timeout
    while not lock.acquire(False):
        if time.monotonic() >= deadline:
            yield False
            return
        time.sleep(0.05)
    try:
        yield True
    finally:
        lock.release()


BROKEN = "BROKEN"  # names a generation a read error was found in, for every worker to see


LAST_BROKEN = "LAST_BROKEN"  # the last mark, kept after the rebuild: a repeat is not damage
REPEAT_SECONDS = 600


def mark_broken(root: Path, name: str, reason: str) -> None:
    """Record that generation name cannot be read (searches answer 503 until it is rebuilt)."""
    for target in (BROKEN, LAST_BROKEN):
        tmp = root / f".{target}.{os.getpid()}.tmp"
        tmp.write_text(f"{name}\n{reason[:300]}\n{time.time()}\n")
        os.replace(tmp, root / target)


def repeats_after_rebuild(root: Path, name: str, reason: str) -> bool:
    """Tell whether the same read error hit the previous generation shortly before.

    Then a rebuild did not help: the error comes from a query, not from damaged files, and
    marking again would rebuild for every such query.
    """
    try:
        marked, old_reason, when = (root / LAST_BROKEN).read_text().split("\n")[:3]
        age = time.time() - float(when)
    except (OSError, ValueError):
        return False
    return marked != name and old_reason == reason[:300] and age < REPEAT_SECONDS


def broken_reason(root: Path, name: str | None) -> str | None:
    """Return why generation name was marked broken, or None when it was not."""
    try:
        marked, _, rest = (root / BROKEN).read_text().partition("\n")
    except OSError:
        return None
    reason = rest.partition("\n")[0]
    return (reason.strip() or "leesfout") if name is not None and marked == name else None


def clear_broken(root: Path) -> None:
    """Forget a broken mark once the live generation has been replaced."""
    if broken_reason(root, current_generation(root)) is None:
        (root / BROKEN).unlink(missing_ok=True)
