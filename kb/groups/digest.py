"""The group part of `kb send-digests`: daily summaries, owed post mails, missed fan-outs.

Daily summaries use the follows' digest state and lease (kb.follows claim/finish): one state
row per person (recipient "user:<id>", frequency "groups-daily"), claimed by one atomic UPDATE,
moved on only after the mail went out. A summary lists, per group where the person is an
active member with notify "daily", the posts members can see that appeared since the last one
(and after the person joined), never their own. Access is read at sending time: a member
removed since is not mailed that group's posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kb import follows, mail
from kb.groups import notify
from kb.groups.mailstate import GroupFanout
from kb.groups.models import Group, GroupMember, Post, Topic
from kb.models import DigestState, User, db, utcnow

FREQUENCY = "groups-daily"
PERIOD = timedelta(days=1)
SUMMARY_POSTS = 200  # per summary; more than this is a link to the groups, not a mail
EXCERPT_CHARS = 300
# A post gets this long for its own post_created before a run fans it out instead; and a
# run looks this far back for posts nobody fanned out (a worker that died after the commit).
FANOUT_GRACE = timedelta(minutes=2)
FANOUT_WINDOW = timedelta(days=7)


@dataclass
class TopicNews:
    """A topic in a summary with its new posts (author name, excerpt)."""

    topic: Topic
    url: str
    posts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class GroupNews:
    """A group in a summary with its topics that have new posts."""

    group: Group
    url: str
    topics: list[TopicNews] = field(default_factory=list)


def send_group_digests(now: datetime | None = None) -> follows.DigestReport:
    """Fan out missed posts, send owed post mails, then the daily summaries that are due."""
    now = now or utcnow()
    report = follows.DigestReport()
    base = current_app.config["BASE_URL"]
    with current_app.test_request_context("/", base_url=base):  # url_for outside a request
        fan_out_missed(now)
        sent, failed = notify.send_owed(now=now)
        report.sent += sent
        report.failed += failed
        _ensure_states()
        due = db.session.execute(
            select(DigestState.id, DigestState.recipient, DigestState.sent_until)
            .where(DigestState.frequency == FREQUENCY, DigestState.next_due <= now)
            .order_by(DigestState.id)
        ).all()  # fmt: skip
        for state_id, recipient, since in due:
            token = follows.claim(state_id, now)
            if token is None:
                continue  # another run has it, or it was just sent
            user = db.session.get(User, int(recipient.partition(":")[2]))
            news = summary(user, since, now) if user is not None and not user.is_blocked else []
            if news:
                if not _send(user, news):
                    follows.finish(state_id, token, None, None)
                    report.failed += 1
                    continue
                report.sent += 1
                report.recipients.append(user.email)
            else:
                report.empty += 1
            follows.finish(state_id, token, now, now + PERIOD)
    return report


def fan_out_missed(now: datetime) -> int:
    """Fan out the recent posts that have no fan-out marker; return how many were done."""
    missed = db.session.scalars(
        select(Post.id).outerjoin(GroupFanout, GroupFanout.post_id == Post.id)
        .where(GroupFanout.post_id.is_(None), Post.created_at <= now - FANOUT_GRACE,
               Post.created_at > now - FANOUT_WINDOW)
        .order_by(Post.id)
    ).all()  # fmt: skip
    return sum(1 for post_id in missed if notify.fan_out(post_id))


def _ensure_states() -> None:
    """Give everyone with a daily membership a state row, starting at their first join."""
    wanted = db.session.execute(
        select(GroupMember.user_id, func.min(GroupMember.joined_at))
        .join(User, User.id == GroupMember.user_id)
        .where(GroupMember.state == "active", GroupMember.notify == "daily",
               User.is_blocked.is_(False))
        .group_by(GroupMember.user_id)
    ).all()  # fmt: skip
    existing = set(db.session.scalars(
        select(DigestState.recipient).where(DigestState.frequency == FREQUENCY)))  # fmt: skip
    for user_id, start in wanted:
        recipient = f"user:{user_id}"
        if recipient in existing:
            continue
        try:
            with db.session.begin_nested():  # another node may insert the same row
                db.session.add(DigestState(recipient=recipient, frequency=FREQUENCY,
                                           sent_until=start, next_due=start + PERIOD))  # fmt: skip
        except IntegrityError:
            pass
    db.session.commit()


def summary(user: User, since: datetime, until: datetime) -> list[GroupNews]:
    """Return what is new for a person in their daily groups between since and until."""
    rows = db.session.execute(
        select(Post, Topic, Group, User.name)
        .join(Topic, Topic.id == Post.topic_id)
        .join(Group, Group.id == Post.group_id)
        .join(GroupMember, (GroupMember.group_id == Post.group_id)
              & (GroupMember.user_id == user.id))
        .outerjoin(User, User.id == Post.author_id)
        .where(GroupMember.state == "active", GroupMember.notify == "daily",
               Post.created_at > since, Post.created_at <= until,
               Post.created_at > GroupMember.joined_at,
               Post.deleted_at.is_(None), Post.hidden_at.is_(None),
               Post.pending_review.is_(False), Topic.hidden_at.is_(None),
               (Post.author_id.is_(None)) | (Post.author_id != user.id))
        .order_by(Group.name, Group.id, Topic.last_activity_at.desc(), Topic.id, Post.id)
        .limit(SUMMARY_POSTS)
    ).all()  # fmt: skip
    news: list[GroupNews] = []
    topics: dict[int, TopicNews] = {}
    for post, topic, group, author in rows:
        if not news or news[-1].group.id != group.id:
            news.append(GroupNews(group, notify.settings_url(group)))
        if topic.id not in topics:
            topics[topic.id] = TopicNews(topic, notify.topic_url(topic, group))
            news[-1].topics.append(topics[topic.id])
        text = " ".join(post.body.split())
        if len(text) > EXCERPT_CHARS:
            text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
        topics[topic.id].posts.append((author or "Een deelnemer", text))
    return news


def _send(user: User, news: list[GroupNews]) -> bool:
    unsubscribe = follows.unsubscribe_url(f"group-daily:{user.id}")
    count = sum(len(t.posts) for g in news for t in g.topics)
    subject = f"Uw groepen vandaag: {count} {'nieuw bericht' if count == 1 else 'nieuwe berichten'}"
    text = render_template("mail/group_digest.txt", news=news, unsubscribe=unsubscribe)
    return mail.send_mail(user.email, subject, text, headers={
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })  # fmt: skip
