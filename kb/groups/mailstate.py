"""Tables of group mail: the mails owed per post and recipient, posts fanned out, preferences.

Matches migrations/versions/groupmail_state.py one to one. A notice is owed mail: it is written
(committed) before it is sent and marked sent after, so a mail server that is down, or a worker
that dies, leaves it for `kb send-digests` to send; two workers never send it twice (a lease).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kb.models import db, utcnow


class GroupNotice(db.Model):
    """One mail owed to one person about one post: every post ("each") or a mention."""

    __tablename__ = "group_notice"
    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_group_notice_user"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("group_post.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # each | mention
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set when mailed, or when the mail is no longer owed (recipient left, post hidden).
    done_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    sent: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    lease_token: Mapped[str | None] = mapped_column(String(64))


class GroupFanout(db.Model):
    """A post whose notices were written; `kb send-digests` fans out the posts without one."""

    __tablename__ = "group_fanout"
    post_id: Mapped[int] = mapped_column(
        ForeignKey("group_post.id", ondelete="CASCADE"), primary_key=True
    )
    done_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class GroupMailPref(db.Model):
    """A person's group-mail choices beyond the per-group setting: mention mails on or off
    (only the one-click unsubscribe of a mention mail turns them off)."""

    __tablename__ = "group_mail_pref"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    mentions: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
