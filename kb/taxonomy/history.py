"""The record of every online taxonomy change: who, when, the state before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.models import TaxonomyChange, User, db, utcnow

ACTIONS = {
    "add": "toegevoegd",
    "edit": "gewijzigd",
    "retire": "uitgefaseerd",
    "unretire": "weer in gebruik",
    "merge": "samengevoegd",
    "synonym-add": "synoniemen toegevoegd",
    "synonym-edit": "synoniemen gewijzigd",
    "synonym-delete": "synoniemen verwijderd",
    "undo": "ongedaan gemaakt",
}
UNDOABLE = frozenset(ACTIONS) - {"undo"}


def record(
    user: User | None,
    action: str,
    subject: str,
    summary: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    undo_of: TaxonomyChange | None = None,
) -> TaxonomyChange:
    """Add a history entry; it commits together with the change it describes."""
    entry = TaxonomyChange(user_id=user.id if user else None, action=action, subject=subject,
                           summary=summary[:500], before=before, after=after,
                           undo_of_id=undo_of.id if undo_of else None,
                           created_at=utcnow())  # fmt: skip
    db.session.add(entry)
    return entry


def entries(limit: int = 200) -> list[TaxonomyChange]:
    """Return the newest history entries with their authors (one query per list)."""
    stmt = (select(TaxonomyChange).options(selectinload(TaxonomyChange.user))
            .order_by(TaxonomyChange.id.desc()).limit(limit))  # fmt: skip
    return list(db.session.scalars(stmt))


def entry(entry_id: int) -> TaxonomyChange | None:
    """Return one history entry."""
    return db.session.get(TaxonomyChange, entry_id)


def can_undo(change: TaxonomyChange) -> bool:
    """Tell whether the history page offers "Ongedaan maken" for this entry."""
    return change.action in UNDOABLE and change.undone_at is None
