"""The moderation record: who did what to which post, topic or member, and when."""

from __future__ import annotations

from kb.groups.models import Group, ModerationAction
from kb.models import User, db, utcnow


def record(group: Group, actor: User | None, action: str, **targets: object) -> None:
    """Add a moderation record; the caller commits it with the change it describes."""
    db.session.add(
        ModerationAction(
            group_id=group.id, actor_id=actor.id if actor else None, action=action,
            created_at=utcnow(), **targets,
        )
    )  # fmt: skip
