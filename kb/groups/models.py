"""Tables of the groups (issue 15): spaces, members, invitations, topics, posts, moderation.

Over 200 lines on purpose: one declarative module keeps the group schema readable in one place
and matches migrations/versions/groups_tables.py one to one; every part is plain columns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models import Article, User, db, utcnow

KINDS = ("cop", "members", "connectors", "inspiration", "free")
VISIBILITIES = ("open", "request", "closed")
MEMBER_ROLES = ("member", "facilitator")
MEMBER_STATES = ("active", "requested", "removed")
NOTIFY_CHOICES = ("each", "daily", "none")


class Group(db.Model):
    """A group space: a CoP, the members' room, a connectors' network, or a free group."""

    __tablename__ = "group_space"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, through kb.render
    kind: Mapped[str] = mapped_column(String(16), default="free")  # see KINDS
    visibility: Mapped[str] = mapped_column(String(16), default="request")  # see VISIBILITIES
    # The CoP article this group belongs to (kind cop); the article page links to the group.
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("article.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)

    article: Mapped[Article | None] = relationship()


class GroupMember(db.Model):
    """A person in a group: member or facilitator ("begeleider"), active, requested or removed."""

    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_group_member_user"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group_space.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    state: Mapped[str] = mapped_column(String(16), default="active")
    notify: Mapped[str] = mapped_column(String(16), default="daily")
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)

    group: Mapped[Group] = relationship()
    user: Mapped[User] = relationship()


class GroupInvitation(db.Model):
    """An invitation by e-mail; only the SHA-256 of the link's token is stored."""

    __tablename__ = "group_invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group_space.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    group: Mapped[Group] = relationship()


class Topic(db.Model):
    """A discussion in a group; lists sort on last_activity_at, updated with every reply."""

    __tablename__ = "group_topic"
    __table_args__ = (Index("ix_group_topic_list", "group_id", "pinned", "last_activity_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group_space.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    post_count: Mapped[int] = mapped_column(Integer, default=0)

    group: Mapped[Group] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class Post(db.Model):
    """One message in a topic (the first one opens it); body is Markdown source."""

    __tablename__ = "group_post"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("group_topic.id", ondelete="CASCADE"), index=True
    )
    # Denormalised from the topic: every access check and the group search filter on it.
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group_space.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    quote_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_post.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # First posts of new members wait for a facilitator (kb.config GROUP_FIRST_POST_REVIEW...).
    pending_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # The project's Dutch analysis of title + body, space separated, written with the post.
    search_terms: Mapped[str] = mapped_column(Text, default="")
    # The key the form carried (made when it was shown): a double click or a retried request
    # stores the post once. Unique in the database, not just checked.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    topic: Mapped[Topic] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    quote_of: Mapped[Post | None] = relationship(remote_side=[id])
    attachments: Mapped[list[PostAttachment]] = relationship(
        back_populates="post", order_by="PostAttachment.id"
    )


class PostRevision(db.Model):
    """A body as it was before an edit: edits keep their history."""

    __tablename__ = "group_post_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("group_post.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class PostAttachment(db.Model):
    """A file with a post, stored and checked like submission attachments; members only."""

    __tablename__ = "group_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("group_post.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group_space.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    post: Mapped[Post] = relationship(back_populates="attachments")


class TopicRead(db.Model):
    """When a member last read a topic: the unread marker compares it with last_activity_at."""

    __tablename__ = "group_topic_read"
    __table_args__ = (UniqueConstraint("user_id", "topic_id", name="uq_group_topic_read_topic"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("group_topic.id", ondelete="CASCADE"), index=True
    )
    read_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PostReport(db.Model):
    """ "Meld dit bericht": a member's report with a reason, until a facilitator resolves it."""

    __tablename__ = "group_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("group_post.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class ModerationAction(db.Model):
    """One moderation step: who did what to which post, topic or member, and when."""

    __tablename__ = "group_moderation"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group_space.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("group_post.id", ondelete="SET NULL"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("group_topic.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class Mention(db.Model):
    """An @mention of a member in a post; mentions always notify (helper groupmail sends)."""

    __tablename__ = "group_mention"
    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_group_mention_user"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("group_post.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
