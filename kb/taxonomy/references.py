"""Keep what points at a taxonomy slug pointing at it after a rename or a merge.

Members' follows, calls for examples, reading lists on a theme and open submissions refer to
themes, regions and sectors by slug (not by id: they are shared as links and filters). The 301
keeps public links working; this keeps the stored references live, in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from kb.models import Call, Collection, Follow, Submission, db
from kb.submissions import OPEN


def repoint(kind: str, old: str, new: str) -> None:
    """Replace slug old by new wherever a follow, call, leeslijst or open submission has it."""
    if kind in ("theme", "region"):
        # A member who follows both keeps one follow (one per target is a unique key).
        both = select(Follow.user_id).where(Follow.kind == kind, Follow.target == new)
        db.session.execute(delete(Follow).where(Follow.kind == kind, Follow.target == old,
                                                Follow.user_id.in_(both)))  # fmt: skip
        db.session.execute(update(Follow).where(Follow.kind == kind, Follow.target == old)
                           .values(target=new))  # fmt: skip
    if kind == "theme":
        db.session.execute(update(Call).where(Call.theme_slug == old).values(theme_slug=new))
        db.session.execute(
            update(Collection)
            .where(Collection.context_kind == "theme", Collection.context_key == old)
            .values(context_key=new)
        )
    if kind == "region":
        db.session.execute(update(Call).where(Call.region_slug == old).values(region_slug=new))
    field = {"theme": "themes", "sector": "sectors"}.get(kind)
    if field is not None:
        # JSON lists of slugs: rewritten in Python (few open submissions, any database).
        for submission in db.session.scalars(select(Submission).where(Submission.status.in_(OPEN))):
            slugs = list(getattr(submission, field) or [])
            if old in slugs:
                replaced = [new if s == old else s for s in slugs]
                setattr(submission, field, list(dict.fromkeys(replaced)))
