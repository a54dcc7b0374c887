"""Moderation: reports, hiding and restoring posts, locking and pinning topics, approving held
posts. Every step is recorded in group_moderation (who, when) in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from kb.groups import discussions, notify
from kb.groups.access import can
from kb.groups.models import Group, ModerationAction, Post, PostReport, Topic
from kb.groups.records import record
from kb.models import User, db, utcnow

REASON_MAX = 1000
ACTION_LABELS = {
    "create": "Groep aangemaakt",
    "edit": "Groep gewijzigd",
    "archive": "Groep gearchiveerd",
    "unarchive": "Groep uit het archief gehaald",
    "invite": "Uitgenodigd",
    "approve_member": "Aanvraag goedgekeurd",
    "decline_member": "Aanvraag afgewezen",
    "remove_member": "Lid verwijderd",
    "appoint": "Begeleider gemaakt",
    "unappoint": "Geen begeleider meer",
    "hide": "Bericht verborgen",
    "restore": "Bericht weer zichtbaar gemaakt",
    "delete": "Bericht verwijderd",
    "restore_deleted": "Verwijderd bericht hersteld",
    "approve_post": "Bericht goedgekeurd",
    "dismiss_report": "Melding afgehandeld zonder actie",
    "lock": "Onderwerp gesloten",
    "unlock": "Onderwerp heropend",
    "pin": "Onderwerp vastgezet",
    "unpin": "Onderwerp losgemaakt",
    "draft": "Als concept-praktijkvoorbeeld ingediend",
}


class ModerationError(ValueError):
    """A moderation step that is not allowed; the message is Dutch."""


def _guard(actor: User, group: Group) -> None:
    if not can(actor, "moderate", group):
        raise ModerationError("Alleen een begeleider van de groep kan dit doen.")


def report(post: Post, reporter: User, reason: str) -> PostReport:
    """Report a post to the group's begeleiders, with a reason."""
    if not can(reporter, "report", post.topic.group):
        raise ModerationError("U kunt in deze groep geen berichten melden.")
    row = PostReport(post_id=post.id, reporter_id=reporter.id, reason=reason.strip(),
                     created_at=utcnow())  # fmt: skip
    db.session.add(row)
    db.session.commit()
    notify.post_reported(row)
    return row


def _resolve_reports(post: Post, actor: User) -> None:
    db.session.execute(
        update(PostReport)
        .where(PostReport.post_id == post.id, PostReport.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )


def hide(post: Post, actor: User, note: str = "") -> None:
    """Hide a post from the members (its open reports are settled by this)."""
    group = post.topic.group
    _guard(actor, group)
    if post.hidden_at is None:
        post.hidden_at, post.hidden_by_id = utcnow(), actor.id
    _resolve_reports(post, actor)
    record(group, actor, "hide", post_id=post.id, topic_id=post.topic_id, note=note.strip())
    db.session.commit()


def restore(post: Post, actor: User, note: str = "") -> None:
    """Show a hidden post again."""
    group = post.topic.group
    _guard(actor, group)
    post.hidden_at = post.hidden_by_id = None
    record(group, actor, "restore", post_id=post.id, topic_id=post.topic_id, note=note.strip())
    db.session.commit()


def restore_deleted(post: Post, actor: User) -> None:
    """Bring back a softly deleted post."""
    group = post.topic.group
    _guard(actor, group)
    post.deleted_at = post.deleted_by_id = None
    record(group, actor, "restore_deleted", post_id=post.id, topic_id=post.topic_id)
    db.session.commit()


def dismiss(post: Post, actor: User) -> None:
    """Settle a post's open reports without changing it."""
    group = post.topic.group
    _guard(actor, group)
    _resolve_reports(post, actor)
    record(group, actor, "dismiss_report", post_id=post.id, topic_id=post.topic_id)
    db.session.commit()


def approve_post(post: Post, actor: User) -> None:
    """Publish a held first post of a new member to the group."""
    group = post.topic.group
    _guard(actor, group)
    if not post.pending_review:
        return
    discussions.approve(post)
    record(group, actor, "approve_post", post_id=post.id, topic_id=post.topic_id)
    db.session.commit()
    notify.post_created(post)


def set_topic_flag(topic: Topic, actor: User, flag: str, value: bool) -> None:
    """Lock/unlock or pin/unpin a topic."""
    _guard(actor, topic.group)
    if flag == "locked":
        topic.locked, action = value, ("lock" if value else "unlock")
    elif flag == "pinned":
        topic.pinned, action = value, ("pin" if value else "unpin")
    else:
        raise ValueError(flag)
    record(topic.group, actor, action, topic_id=topic.id)
    db.session.commit()


@dataclass
class OpenReport:
    """A report as the begeleider's list shows it."""

    id: int
    post_id: int
    topic_id: int
    topic_title: str
    reason: str
    created_at: datetime
    reporter: str
    author: str
    excerpt: str
    hidden: bool


def open_reports(group: Group) -> list[OpenReport]:
    """Return the group's unresolved reports, oldest first, in one query."""
    reporter, author = aliased(User), aliased(User)
    rows = db.session.execute(
        select(PostReport.id, PostReport.post_id, Post.topic_id, Topic.title, PostReport.reason,
               PostReport.created_at, reporter.name, author.name, Post.body, Post.hidden_at)
        .join(Post, Post.id == PostReport.post_id)
        .join(Topic, Topic.id == Post.topic_id)
        .outerjoin(reporter, reporter.id == PostReport.reporter_id)
        .outerjoin(author, author.id == Post.author_id)
        .where(Post.group_id == group.id, PostReport.resolved_at.is_(None))
        .order_by(PostReport.id)
    )  # fmt: skip
    return [
        OpenReport(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6] or "onbekend",
            r[7] or "onbekend",
            _excerpt(r[8]),
            r[9] is not None,
        )  # fmt: skip
        for r in rows
    ]


def held_posts(group: Group) -> list[tuple[Post, str]]:
    """Return the posts waiting for approval with their author's name, oldest first."""
    rows = db.session.execute(
        select(Post, User.name)
        .outerjoin(User, User.id == Post.author_id)
        .where(
            Post.group_id == group.id, Post.pending_review.is_(True), Post.deleted_at.is_(None)
        )  # fmt: skip
        .order_by(Post.id)
    )
    return [(post, name or "onbekend") for post, name in rows]


def history(group: Group, limit: int = 100) -> list[tuple[ModerationAction, str, str]]:
    """Return the latest moderation records with the actor's and the member's name."""
    actor, target = aliased(User), aliased(User)
    rows = db.session.execute(
        select(ModerationAction, actor.name, target.name)
        .outerjoin(actor, actor.id == ModerationAction.actor_id)
        .outerjoin(target, target.id == ModerationAction.user_id)
        .where(ModerationAction.group_id == group.id)
        .order_by(ModerationAction.id.desc())
        .limit(limit)
    )
    return [(row, a or "het systeem", t or "") for row, a, t in rows]


def _excerpt(body: str, width: int = 200) -> str:
    text = " ".join(body.split())
    return text if len(text) <= width else text[: width - 1] + "…"
