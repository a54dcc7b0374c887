"""Undo one history entry: put back the state before it, recorded as a change of its own."""

from __future__ import annotations

from kb import publishing
from kb.models import TaxonomyChange, User, db, utcnow
from kb.taxonomy import history, synonyms, terms
from kb.taxonomy.vocab import SUBJECTS, TaxonomyError, state


def undo(change: TaxonomyChange, user: User) -> None:
    """Undo a change if nothing changed the same row since; raise TaxonomyError otherwise."""
    if not history.can_undo(change):
        raise TaxonomyError("Deze wijziging kan niet (meer) ongedaan worden gemaakt.")
    try:
        if change.action == "merge":
            source = terms.unmerge(change.before or {})
            after = {"source": state(SUBJECTS["theme"], source)}
        elif change.subject == "synonym":
            synonyms.restore_group(change.before, change.after)
            after = change.before
        else:
            terms.restore_row(SUBJECTS[change.subject], change.before, change.after)
            after = change.before
    except TaxonomyError:
        db.session.rollback()
        raise
    change.undone_at = utcnow()
    history.record(user, "undo", change.subject, f"Ongedaan: {change.summary}", change.after,
                   after, undo_of=change)  # fmt: skip
    publishing.commit_and_index()
