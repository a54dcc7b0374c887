"""Read errors during a search: mark the index broken, answer 503, rebuild in the background.

Whoosh decodes what it reads without checksums, so damaged bytes in a segment surface as any
error raised deep inside whoosh (zlib.error, struct.error, a TypeError from a garbled length).
Such an error is a broken index, not a bug: the caller gets IndexUnavailable (503 with the
Dutch page), every worker sees the mark, and one rebuild starts. An error raised in our own
code stays what it is, and so does an error that recurs on the freshly rebuilt index (a query
that trips whoosh must not rebuild the index again and again).
"""

from __future__ import annotations

import pickle
import struct
import zlib
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from kb.search.index import mark_reader_broken
from kb.search.storage import IndexUnavailable

P = ParamSpec("P")
R = TypeVar("R")

DECODING_ERRORS = (zlib.error, struct.error, EOFError, pickle.UnpicklingError, UnicodeDecodeError)


def is_read_error(exc: BaseException) -> bool:
    """Tell whether an error came from reading index files (not from our own code)."""
    if isinstance(exc, DECODING_ERRORS):
        return True
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last, tb = tb, tb.tb_next
    return last is not None and "/whoosh/" in last.tb_frame.f_code.co_filename.replace("\\", "/")


def guarded(function: Callable[P, R]) -> Callable[P, R]:
    """Wrap an index read: a read error marks the index broken and raises IndexUnavailable."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except IndexUnavailable:
            raise
        except Exception as exc:
            if not is_read_error(exc):
                raise
            reason = f"{exc.__class__.__name__}: {exc}"[:300].replace("\n", " ")
            if not mark_reader_broken(reason):
                raise  # the same error right after a rebuild: a bug, not a damaged file
            raise IndexUnavailable(f"index beschadigd: {reason}") from exc

    return wrapper
