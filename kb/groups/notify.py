"""Group mail for one post: every-post members and mentions, owed first, then sent.

`post_created(post)` runs after the post's commit (helper "groups" calls it, also when a post
waiting for review is approved). It writes the mails the post owes as `GroupNotice` rows and a
`GroupFanout` marker in one transaction, then sends them. A mail server that is down, or a
worker that dies in between, loses nothing: `kb send-digests` fans out posts that have no
marker yet and sends owed notices again (see kb.groups.digest); a request sends at most
GROUP_MAIL_INLINE_MAX of them, a large group gets the rest from that run. Nothing here ever
raises into the request that stored the post.

Who gets mail: active members with notify "each" (not the author), and the active members a
post mentions (see kb.groups.mentions), whatever their setting, unless they turned mention
mails off with the unsubscribe link of one. Everything is checked again just before sending: a
member removed meanwhile, a post hidden meanwhile, a changed setting, mean no mail.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from kb import follows, mail
from kb.groups import mentions
from kb.groups.access import can
from kb.groups.mailstate import GroupFanout, GroupMailPref, GroupNotice
from kb.groups.models import Group, GroupMember, Mention, Post, PostReport, Topic
from kb.models import User, db, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)  # a worker that dies while sending gives the notice back then
MAX_ATTEMPTS = 8  # then the notice is given up (logged); the post itself is never at stake
BODY_CHARS = 4000  # a longer post is cut in the mail; the link leads to the whole topic


def post_created(post: Post) -> None:
    """Tell the members (and everyone mentioned) about a new post; never raises."""
    try:
        if fan_out(post.id):
            send_owed(post_id=post.id, limit=int(current_app.config["GROUP_MAIL_INLINE_MAX"]))
    except Exception:  # the post is committed already; kb send-digests sends what is owed
        db.session.rollback()
        log.exception("Groepsmail voor bericht %s niet verstuurd; volgt met send-digests", post.id)


def post_edited(post: Post) -> None:
    """Tell the members a post's edit newly mentions; never raises."""
    try:
        if fan_out(post.id) and _mentions_added(post.id):
            send_owed(post_id=post.id)
    except Exception:  # the edit is committed already; kb send-digests sends what is owed
        db.session.rollback()
        log.exception("Groepsmail voor bewerkt bericht %s niet verstuurd", post.id)


def _mentions_added(post_id: int) -> bool:
    """Write Mention rows and notices for people an edited post newly names; commit."""
    post = db.session.get(Post, post_id)
    known = set(db.session.scalars(select(Mention.user_id).where(Mention.post_id == post_id)))
    added = mentions.mentioned_users(post.group_id, post.body) - known - {post.author_id}
    if not added:
        return False
    owed = set(db.session.scalars(select(GroupNotice.user_id).where(
        GroupNotice.post_id == post_id)))  # fmt: skip
    muted = set(db.session.scalars(select(GroupMailPref.user_id).where(
        GroupMailPref.user_id.in_(added), GroupMailPref.mentions.is_(False))))  # fmt: skip
    try:
        for user_id in sorted(added):
            db.session.add(Mention(post_id=post_id, user_id=user_id))
        # Someone already mailed about this post (every post) is not mailed again.
        for user_id in sorted(added - owed - muted):
            db.session.add(GroupNotice(post_id=post_id, user_id=user_id, reason="mention"))
        db.session.commit()
    except IntegrityError:  # the same edit handled twice at once
        db.session.rollback()
        return False
    return True


def is_shown(post: Post, topic: Topic) -> bool:
    """Tell whether members see the post (not deleted, hidden, waiting for review)."""
    return (post.deleted_at is None and post.hidden_at is None and not post.pending_review
            and topic.hidden_at is None)  # fmt: skip


def fan_out(post_id: int) -> bool:
    """Write the notices a shown post owes, once; return whether it is (now) fanned out."""
    row = db.session.execute(
        select(Post, Topic).join(Topic, Topic.id == Post.topic_id).where(Post.id == post_id)
    ).first()
    if row is None or not is_shown(*row):
        return False
    post = row[0]
    if db.session.get(GroupFanout, post_id) is not None:
        return True
    # Mention rows written with the post (if any) count as well as the names resolved here.
    known = set(db.session.scalars(select(Mention.user_id).where(Mention.post_id == post_id)))
    named = (mentions.mentioned_users(post.group_id, post.body) | known) - {post.author_id}
    muted = set(db.session.scalars(
        select(GroupMailPref.user_id).where(GroupMailPref.user_id.in_(named),
                                            GroupMailPref.mentions.is_(False))
    )) if named else set()  # fmt: skip
    every = set(db.session.scalars(
        select(GroupMember.user_id).join(User, User.id == GroupMember.user_id)
        .where(GroupMember.group_id == post.group_id, GroupMember.state == "active",
               GroupMember.notify == "each", User.is_blocked.is_(False))
    )) - {post.author_id}  # fmt: skip
    try:
        for user_id in sorted(named - known):
            db.session.add(Mention(post_id=post_id, user_id=user_id))
        for user_id in sorted((named - muted) | every):
            reason = "mention" if user_id in named - muted else "each"
            db.session.add(GroupNotice(post_id=post_id, user_id=user_id, reason=reason))
        db.session.add(GroupFanout(post_id=post_id))
        db.session.commit()
    except IntegrityError:  # another worker fanned this post out at the same moment
        db.session.rollback()
    return True


def _claim(notice_id: int, now: datetime) -> str | None:
    token = secrets.token_hex(16)
    claimed = db.session.execute(
        update(GroupNotice)
        .where(GroupNotice.id == notice_id, GroupNotice.done_at.is_(None),
               or_(GroupNotice.lease_until.is_(None), GroupNotice.lease_until < now))
        .values(lease_until=now + LEASE, lease_token=token)
    ).rowcount  # fmt: skip
    db.session.commit()
    return token if claimed == 1 else None


def _release(notice_id: int, token: str, done: bool, sent: bool, now: datetime) -> None:
    values: dict = {"lease_until": None, "lease_token": None}
    if done:
        values |= {"done_at": now, "sent": sent}
    else:
        values["attempts"] = GroupNotice.attempts + 1
    db.session.execute(
        update(GroupNotice)
        .where(GroupNotice.id == notice_id, GroupNotice.lease_token == token)
        .values(**values)
    )
    db.session.commit()


def still_owed(notice: GroupNotice, user: User, post: Post, topic: Topic, group: Group) -> bool:
    """Tell whether the mail is still owed now: shown post, reader still in, same choice."""
    if user.is_blocked or not is_shown(post, topic) or not can(user, "read", group):
        return False
    member = db.session.scalar(select(GroupMember).where(
        GroupMember.group_id == group.id, GroupMember.user_id == user.id))  # fmt: skip
    if member is None or member.state != "active":
        return False  # mail goes to members only, also for editors who may read the group
    if notice.reason == "each":
        return member.notify == "each"
    pref = db.session.get(GroupMailPref, user.id)
    return pref is None or pref.mentions


def send_owed(
    post_id: int | None = None, now: datetime | None = None, limit: int | None = None
) -> tuple[int, int]:
    """Send the notices that are owed (of one post, or all; at most limit); return
    (sent, failed)."""
    now = now or utcnow()
    stmt = select(GroupNotice.id).where(GroupNotice.done_at.is_(None)).order_by(GroupNotice.id)
    if post_id is not None:
        stmt = stmt.where(GroupNotice.post_id == post_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    sent = failed = 0
    for notice_id in list(db.session.scalars(stmt)):
        token = _claim(notice_id, now)
        if token is None:
            continue  # another worker has it
        notice = db.session.get(GroupNotice, notice_id)
        post = db.session.get(Post, notice.post_id)
        user = db.session.get(User, notice.user_id)
        if post is None or user is None:
            _release(notice_id, token, True, False, now)
            continue
        topic, group = post.topic, db.session.get(Group, post.group_id)
        if not still_owed(notice, user, post, topic, group):
            _release(notice_id, token, True, False, now)
            continue
        if _send(notice, user, post, topic, group):
            if notice.reason == "mention":
                db.session.execute(update(Mention).where(
                    Mention.post_id == post.id, Mention.user_id == user.id
                ).values(notified_at=now))  # fmt: skip
            _release(notice_id, token, True, True, now)
            sent += 1
        else:
            failed += 1
            given_up = notice.attempts + 1 >= MAX_ATTEMPTS
            if given_up:
                log.error("Groepsmail %s na %s pogingen opgegeven", notice_id, MAX_ATTEMPTS)
            _release(notice_id, token, given_up, False, now)
    return sent, failed


def topic_url(topic: Topic, group: Group) -> str:
    """Return the absolute address of a topic (the page checks membership again)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for("group_topics.topic", slug=group.slug, topic_id=topic.id)


def settings_url(group: Group) -> str:
    """Return the absolute address of a group's page, where members choose their mail."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for("groups.group", slug=group.slug)


def _send(notice: GroupNotice, user: User, post: Post, topic: Topic, group: Group) -> bool:
    author = post.author.name if post.author else "Een deelnemer"
    if notice.reason == "mention":
        recipient = f"group-mentions:{user.id}"
        subject = f"{author} noemde u in {group.name}: {topic.title}"
    else:
        member_id = db.session.scalar(select(GroupMember.id).where(
            GroupMember.group_id == group.id, GroupMember.user_id == user.id))  # fmt: skip
        recipient = f"group-member:{member_id}"
        subject = f"Nieuw bericht in {group.name}: {topic.title}"
    unsubscribe = follows.unsubscribe_url(recipient)
    body = post.body if len(post.body) <= BODY_CHARS else post.body[:BODY_CHARS] + " …"
    text = render_template(
        "mail/group_post.txt", reason=notice.reason, author=author, group=group, topic=topic,
        body=body, link=topic_url(topic, group) + f"#bericht-{post.id}",
        settings=settings_url(group), unsubscribe=unsubscribe,
    )  # fmt: skip
    # Plain text only: a post is untrusted Markdown, and text cannot carry markup to a client.
    return mail.send_mail(user.email, subject, text, headers={
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })  # fmt: skip


def post_reported(report: PostReport) -> None:
    """Tell the group's begeleiders about a report (editors if it has none); never raises."""
    try:
        post = db.session.get(Post, report.post_id)
        topic, group = post.topic, db.session.get(Group, post.group_id)
        addresses = list(db.session.scalars(
            select(User.email).join(GroupMember, GroupMember.user_id == User.id)
            .where(GroupMember.group_id == group.id, GroupMember.state == "active",
                   GroupMember.role == "facilitator", User.is_blocked.is_(False))
        ))  # fmt: skip
        if not addresses:  # editors moderate every group (kb.groups.access)
            editors = current_app.config.get("EDITOR_EMAILS") or ""
            addresses = [a.strip() for a in editors.split(",") if a.strip()]
        text = render_template(
            "mail/group_report.txt", group=group, topic=topic, reason=report.reason,
            link=topic_url(topic, group) + f"#bericht-{post.id}",
        )  # fmt: skip
        for address in addresses:  # one mail each: begeleiders do not see each other's address
            mail.send_mail(address, f"Melding in {group.name}: {topic.title}", text)
    except Exception:  # the report is committed already; the begeleiders also see it listed
        db.session.rollback()
        log.exception("Melding %s niet gemaild", report.id)
