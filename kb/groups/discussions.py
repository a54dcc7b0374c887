"""Topics and posts: start, reply, quote, edit (with history), soft delete; every step commits.

A reply first moves its topic's counters with one UPDATE (post_count + 1, last_activity_at),
which takes the topic's write lock (SQLite's database lock, PostgreSQL's row lock) before the
post row is inserted. So parallel replies in one topic get ids in the order they commit,
post_count is exact, and none is lost; a locked topic refuses in the same statement.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from kb.accounts import ThrottleUnavailable, take, wait_text
from kb.groups import attachments, mentions, notify
from kb.groups.access import can, is_staff, membership
from kb.groups.models import Group, GroupMember, Mention, Post, PostRevision, Topic, TopicRead
from kb.groups.records import record
from kb.models import User, db, utcnow
from kb.search import analyse_terms
from kb.submissions import Checked

TITLE_MAX = 300
BODY_MAX = 20_000


class PostRefused(ValueError):
    """A post that cannot be stored now; the message is Dutch and says why.

    `status` is the HTTP status a page answers with: 403 not allowed, 429 too many, 503 busy.
    """

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


class DuplicatePost(Exception):
    """This form (its client key) was stored already; carries the stored post."""

    def __init__(self, post: Post) -> None:
        super().__init__(post.id)
        self.post = post


def _check_rate(user: User) -> None:
    """Take one post from the member's allowance (per account, across all workers)."""
    config = current_app.config
    try:
        decision = take("group-post", str(user.id), free=int(config["GROUP_POSTS_PER_WINDOW"]),
                        window=int(config["GROUP_POST_WINDOW_SECONDS"]))  # fmt: skip
    except ThrottleUnavailable as exc:
        raise PostRefused("Plaatsen lukt nu even niet. Probeer het zo opnieuw.", 503) from exc
    if not decision.allowed:
        raise PostRefused(
            "U plaatst veel berichten kort na elkaar. Probeer het over "
            f"{wait_text(decision.retry_after)} opnieuw.",
            429,
        )


def needs_review(group: Group, user: User, member: GroupMember | None) -> bool:
    """Tell whether this post waits for a begeleider: a new member's first post."""
    hours = float(current_app.config["GROUP_FIRST_POST_REVIEW_HOURS"])
    if hours <= 0 or is_staff(user) or member is None or member.role == "facilitator":
        return False
    if member.joined_at < utcnow() - timedelta(hours=hours):
        return False
    approved = exists().where(
        Post.group_id == group.id, Post.author_id == user.id, Post.pending_review.is_(False)
    )
    return not db.session.scalar(select(approved))


def _mentions(group: Group, body: str) -> list[int]:
    """Return the ids of the active members the body mentions (the rule: kb.groups.mentions)."""
    return sorted(mentions.mentioned_users(group.id, body))


def _store(
    topic: Topic,
    author: User,
    body: str,
    files: list[Checked],
    quote_of: Post | None,
    client_key: str | None,
    pending: bool,
    terms: str,
    now: datetime,
) -> Post:
    """Insert the post with its attachments and mentions, then commit (files removed on error)."""
    post = Post(
        topic_id=topic.id, group_id=topic.group_id, author_id=author.id, body=body.strip(),
        quote_of_id=quote_of.id if quote_of else None, created_at=now,
        pending_review=pending, search_terms=terms,
        client_key=client_key or None,
    )  # fmt: skip
    db.session.add(post)
    stored: list[str] = []
    try:
        db.session.flush()
        stored = attachments.attach(post, files)
        for user_id in _mentions(topic.group, body):
            if user_id != author.id:
                db.session.add(Mention(post_id=post.id, user_id=user_id))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        attachments.discard(stored)
        existing = by_client_key(client_key) if client_key else None
        if existing is None:
            raise
        raise DuplicatePost(existing) from None
    except Exception:
        db.session.rollback()
        attachments.discard(stored)
        raise
    return post


def by_client_key(key: str) -> Post | None:
    """Return the post a form's client key already stored, if any."""
    return db.session.scalar(select(Post).where(Post.client_key == key))


def _bump(topic_id: int, moderator: bool) -> datetime | None:
    """Count one more post in the topic and return the time it takes; None when locked.

    The first UPDATE takes the topic's write lock; the time is read only then, so posts that
    wait for each other get increasing times in the order they are stored. No commit.
    """
    stmt = update(Topic).where(Topic.id == topic_id)
    if not moderator:
        stmt = stmt.where(Topic.locked.is_(False))
    counted = db.session.execute(
        stmt.values(post_count=Topic.post_count + 1).execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        return None
    now = utcnow()
    db.session.execute(
        update(Topic).where(Topic.id == topic_id).values(last_activity_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return now


def start_topic(
    group: Group, author: User, title: str, body: str, files: list[Checked],
    client_key: str | None = None,
) -> Topic:  # fmt: skip
    """Open a topic with its first post; raise PostRefused when the author may not post."""
    if not can(author, "post", group):
        raise PostRefused("U kunt in deze groep geen berichten plaatsen.")
    if client_key and (existing := by_client_key(client_key)) is not None:
        raise DuplicatePost(existing)
    _check_rate(author)
    member = membership(author, group)
    pending = needs_review(group, author, member)
    terms = analyse_terms(f"{title}\n{body}")  # before the first write: keep the lock short
    now = utcnow()
    topic = Topic(group_id=group.id, title=title.strip(), author_id=author.id, created_at=now,
                  last_activity_at=now, post_count=0 if pending else 1)  # fmt: skip
    topic.group = group
    db.session.add(topic)
    db.session.flush()
    post = _store(topic, author, body, files, None, client_key, pending, terms, now)
    _after(post, author)
    return topic


def reply(
    topic: Topic, author: User, body: str, files: list[Checked], quote_of: Post | None = None,
    client_key: str | None = None,
) -> Post:  # fmt: skip
    """Reply in a topic; raise PostRefused when the topic is locked or the author may not post."""
    group = topic.group
    moderator = can(author, "moderate", group)
    if not can(author, "post", group) or (topic.hidden_at is not None and not moderator):
        raise PostRefused("U kunt in deze groep geen berichten plaatsen.")
    if topic.locked and not moderator:
        raise PostRefused("Dit onderwerp is gesloten: er kunnen geen reacties meer bij.")
    if quote_of is not None and quote_of.topic_id != topic.id:
        quote_of = None
    if client_key and (existing := by_client_key(client_key)) is not None:
        raise DuplicatePost(existing)
    _check_rate(author)
    pending = needs_review(group, author, membership(author, group))
    terms = analyse_terms(f"{topic.title}\n{body}")  # before the lock: keep it short
    now = utcnow() if pending else _bump(topic.id, moderator)
    if now is None:
        db.session.rollback()
        raise PostRefused("Dit onderwerp is gesloten: er kunnen geen reacties meer bij.")
    post = _store(topic, author, body, files, quote_of, client_key, pending, terms, now)
    _after(post, author)
    return post


def _after(post: Post, author: User) -> None:
    # One's own post is never unread; mail goes out after the commit, and a held post is
    # announced when it is approved.
    mark_read(post.topic, author)
    if not post.pending_review:
        notify.post_created(post)


def approve(post: Post) -> None:
    """Count an approved held post in its topic (the caller records and commits)."""
    post.pending_review = False
    _bump(post.topic_id, True)


def edit_post(post: Post, editor: User, body: str) -> bool:
    """Change the author's own post; the old body is kept as a revision. False if unchanged."""
    body = body.strip()
    if post.author_id != editor.id or post.deleted_at is not None:
        raise PostRefused("U kunt alleen uw eigen berichten bewerken.")
    if not can(editor, "post", post.topic.group):
        raise PostRefused("U kunt in deze groep geen berichten plaatsen.")
    if body == post.body:
        return False
    terms = analyse_terms(f"{post.topic.title}\n{body}")
    now = utcnow()
    db.session.add(PostRevision(post_id=post.id, body=post.body, edited_at=now,
                                editor_id=editor.id))  # fmt: skip
    post.body, post.edited_at, post.search_terms = body, now, terms
    db.session.commit()
    notify.post_edited(post)  # a mention added by the edit notifies too
    return True


def revisions(post: Post) -> list[PostRevision]:
    """Return the earlier bodies of a post, newest first."""
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.id.desc())
        )
    )


def delete_post(post: Post, actor: User) -> None:
    """Delete softly: the text is no longer shown; a begeleider can restore it."""
    if post.author_id != actor.id and not can(actor, "moderate", post.topic.group):
        raise PostRefused("U kunt alleen uw eigen berichten verwijderen.")
    if post.deleted_at is None:
        post.deleted_at, post.deleted_by_id = utcnow(), actor.id
        if post.author_id != actor.id:
            record(post.topic.group, actor, "delete", post_id=post.id, topic_id=post.topic_id)
        db.session.commit()


def mark_read(topic: Topic, user: User) -> None:
    """Remember that the member has read the topic up to now (for the unread markers)."""
    now = utcnow()
    updated = db.session.execute(
        update(TopicRead)
        .where(TopicRead.topic_id == topic.id, TopicRead.user_id == user.id)
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount == 0:
        db.session.add(TopicRead(topic_id=topic.id, user_id=user.id, read_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # the same member opened the topic twice at once
        db.session.rollback()


def topic_by_id(group: Group, topic_id: int) -> Topic | None:
    """Return a topic of this group."""
    topic = db.session.get(Topic, topic_id)
    return topic if topic is not None and topic.group_id == group.id else None


def post_by_id(topic: Topic, post_id: int) -> Post | None:
    """Return a post of this topic."""
    post = db.session.get(Post, post_id)
    return post if post is not None and post.topic_id == topic.id else None
