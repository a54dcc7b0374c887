"""The change log an index follows: which logged changes a generation has applied (its cursor).

Every article change appends an `IndexChange` row in its own transaction; each index generation
keeps a cursor in `INDEX_DIR/<gen>/CURSOR.json`, so several instances, each with its own index,
all apply every change, and a rebuilt generation knows where it starts.

Ids are handed out when a row is inserted, not when it commits: on PostgreSQL a transaction that
took id 10 can commit after one that took 11. So the cursor is not one number: `position` says
every change up to there is applied, `applied` holds applied ids above it, and an id missing
between them is an open gap, waited for (it may still commit) for `INDEX_LOG_GAP_SECONDS`,
after which it counts as rolled back.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, select

from kb.models import IndexChange, db, utcnow
from kb.search.storage import file_lock

CURSOR_FILE = "CURSOR.json"


@dataclass
class Cursor:
    """Which changes of the log one index generation has applied."""

    position: int = 0  # every change with an id up to here is applied (or never committed)
    applied: set[int] = field(default_factory=set)  # applied changes above position
    gaps: dict[int, float] = field(default_factory=dict)  # missing id -> first seen (epoch s)

    def covers(self, change_id: int) -> bool:
        """Tell whether a change is already in the index."""
        return change_id <= self.position or change_id in self.applied

    def behind(self, head: int | None) -> bool:
        """Tell whether the log may hold changes this index has not applied (cheap: no query)."""
        if head is None or head <= self.position:
            return False
        return bool(self.gaps) or head not in self.applied

    def settle(self, now: float | None = None) -> Cursor:
        """Move position past applied ids and past gaps that waited long enough."""
        now = time.time() if now is None else now
        wait = float(current_app.config["INDEX_LOG_GAP_SECONDS"])
        top = max(self.applied, default=self.position)
        gaps = {i: self.gaps.get(i, now) for i in range(self.position + 1, top)
                if i not in self.applied}  # fmt: skip
        done = self.applied | {i for i, seen in gaps.items() if now - seen >= wait}
        position = self.position
        while position + 1 in done:
            position += 1
        return Cursor(position, {i for i in self.applied if i > position},
                      {i: seen for i, seen in gaps.items() if i > position})  # fmt: skip

    def merged(self, other: Cursor) -> Cursor:
        """Combine two true statements about one generation (two processes wrote it)."""
        position = max(self.position, other.position)
        gaps = {i: min(self.gaps.get(i, t), t) for i, t in other.gaps.items()} | {
            i: t for i, t in self.gaps.items() if i not in other.gaps
        }
        return Cursor(position, {i for i in self.applied | other.applied if i > position}, gaps)


def read_cursor(generation: Path) -> Cursor:
    """Return a generation's cursor; a generation without one has applied nothing yet."""
    try:
        data = json.loads((generation / CURSOR_FILE).read_text())
        return Cursor(int(data["position"]), {int(i) for i in data.get("applied", [])},
                      {int(i): float(t) for i, t in data.get("gaps", {}).items()})  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return Cursor()


def save_cursor(generation: Path, cursor: Cursor) -> Cursor:
    """Store a cursor, merged with what another process stored meanwhile; return the result."""
    with file_lock(generation / "CURSOR.lock", 10.0) as locked:
        if locked:
            cursor = cursor.merged(read_cursor(generation)).settle()
        data = {"position": cursor.position, "applied": sorted(cursor.applied),
                "gaps": {str(i): t for i, t in sorted(cursor.gaps.items())}}  # fmt: skip
        tmp = generation / f".{CURSOR_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data))
        os.replace(tmp, generation / CURSOR_FILE)
    return cursor


_BOUNDS = select(func.min(IndexChange.id), func.max(IndexChange.id))


def bounds() -> tuple[int | None, int | None]:
    """Return the lowest and highest change id in the log (one cheap query)."""
    # Core, not the ORM: this runs before every search request, and the ORM costs more than
    # the query.
    low, high = db.session.connection().execute(_BOUNDS).one()
    return low, high


def lost(cursor: Cursor, low: int | None) -> bool:
    """Tell whether changes this index never applied may have been pruned from the log."""
    return low is not None and cursor.position < low - 1


def pending(cursor: Cursor) -> list[tuple[int, int]]:
    """Return (change id, article id) of logged changes the cursor does not cover, oldest first."""
    rows = db.session.execute(
        select(IndexChange.id, IndexChange.article_id)
        .where(IndexChange.id > cursor.position)
        .order_by(IndexChange.id)
    ).all()
    return [(row.id, row.article_id) for row in rows if row.id not in cursor.applied]


def oldest_pending_age(cursor: Cursor) -> float | None:
    """Return how many seconds the oldest change not yet applied has waited (None: none)."""
    ids = [change_id for change_id, _ in pending(cursor)]
    if not ids:
        return None
    created = db.session.scalar(select(IndexChange.created_at).where(IndexChange.id == ids[0]))
    return (utcnow() - created).total_seconds() if created is not None else None


def start_cursor(previous: Cursor | None) -> Cursor:
    """Return the cursor of a generation about to be built from the database as it is now.

    Read before the articles are: a change committed during the build is then applied on top.
    """
    low, high = bounds()
    if previous is None:
        return Cursor(position=high or 0)
    position = max(previous.position, (low or 1) - 1)
    ids = db.session.scalars(select(IndexChange.id).where(IndexChange.id > position)).all()
    return Cursor(position, set(ids), dict(previous.gaps)).settle()


def prune() -> int:
    """Delete log rows older than INDEX_LOG_KEEP_DAYS, always keeping the newest row.

    Keeping the newest row keeps the head (and so every cursor) meaningful; an index that lags
    behind the pruned point notices (`lost`) and is rebuilt.
    """
    days = float(current_app.config["INDEX_LOG_KEEP_DAYS"])
    head = db.session.scalar(select(func.max(IndexChange.id)))
    if head is None:
        return 0
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        delete(IndexChange).where(IndexChange.created_at < cutoff, IndexChange.id < head)
    )
    db.session.commit()
    return result.rowcount or 0
