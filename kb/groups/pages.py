"""What the group pages show, each list in one query (no lazy loads from the templates)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from kb import queries, render
from kb.groups.access import is_staff
from kb.groups.models import Group, GroupMember, Post, Topic, TopicRead
from kb.models import Article, User, db

# Links to articles in a post: `slug.md` (rendered by kb.render) or a pasted /artikel/ address.
ARTICLE_URL = re.compile(r"/artikel/([a-z0-9][a-z0-9-]{0,119})(?![a-z0-9-])")


@dataclass
class GroupRow:
    """A group in a list, with the viewer's membership state and the member count."""

    group: Group
    state: str | None  # active | requested | removed | None
    role: str | None
    members: int


def group_list(user: object) -> tuple[list[GroupRow], list[GroupRow]]:
    """Return (the user's groups, other groups they may see listed), by name, in one query."""
    row = getattr(user, "row", user)
    user_id = row.id if isinstance(row, User) else -1
    counts = (
        select(GroupMember.group_id, func.count().label("n"))
        .where(GroupMember.state == "active")
        .group_by(GroupMember.group_id)
        .subquery()
    )
    mine = aliased(GroupMember)
    stmt = (
        select(Group, mine.state, mine.role, func.coalesce(counts.c.n, 0))
        .outerjoin(mine, and_(mine.group_id == Group.id, mine.user_id == user_id))
        .outerjoin(counts, counts.c.group_id == Group.id)
        .where(Group.archived_at.is_(None))
        .order_by(Group.name)
    )
    if not is_staff(user):
        stmt = stmt.where(or_(Group.visibility != "closed", mine.state == "active"))
    own, other = [], []
    for group, state, role, members in db.session.execute(stmt):
        item = GroupRow(group, state, role, members)
        (own if state == "active" else other).append(item)
    return own, other


@dataclass
class TopicRow:
    """A topic in the list: who opened it, how many posts, unread for this member or not."""

    topic: Topic
    author: str
    unread: bool


def topic_list(group: Group, user: User, moderator: bool) -> list[TopicRow]:
    """Return the group's topics, pinned first, then by last activity, in one query."""
    reads = aliased(TopicRead)
    stmt = (
        select(Topic, User.name, reads.read_at)
        .outerjoin(User, User.id == Topic.author_id)
        .outerjoin(reads, and_(reads.topic_id == Topic.id, reads.user_id == user.id))
        .where(Topic.group_id == group.id)
        .order_by(Topic.pinned.desc(), Topic.last_activity_at.desc(), Topic.id.desc())
    )
    if not moderator:
        # A topic whose opening post still waits for review is shown to its author only.
        stmt = stmt.where(
            Topic.hidden_at.is_(None), or_(Topic.post_count > 0, Topic.author_id == user.id)
        )
    return [
        TopicRow(topic, name or "onbekend", read_at is None or read_at < topic.last_activity_at)
        for topic, name, read_at in db.session.execute(stmt)
    ]


@dataclass
class PostView:
    """A post as the topic page shows it: safe HTML, or why it is not shown."""

    post: Post
    author: str
    html: str = ""
    shown: bool = True  # False: deleted, hidden or held and the viewer may not see it
    note: str = ""  # "verwijderd", "verborgen door een begeleider", "wacht op goedkeuring"
    quote: tuple[str, str] | None = None  # (author, excerpt) of the quoted post
    cards: list = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # article slugs the body links to


def topic_posts(topic: Topic, user: User, moderator: bool) -> list[PostView]:
    """Return the topic's posts in the order they were stored, with what the viewer may see."""
    author = aliased(User)
    rows = db.session.execute(
        select(Post, author.name)
        .outerjoin(author, author.id == Post.author_id)
        .where(Post.topic_id == topic.id)
        .options(selectinload(Post.attachments))
        .order_by(Post.id)
    ).all()
    by_id = {post.id: (post, name or "onbekend") for post, name in rows}
    views = [_view(post, name, user, moderator, by_id) for post, name in rows]
    _attach_cards(views)
    return views


def _view(post: Post, name: str, user: User, moderator: bool, by_id: dict) -> PostView:
    view = PostView(post, name)
    own = post.author_id == user.id
    if post.deleted_at is not None:
        view.note = "Dit bericht is verwijderd."
        view.shown = moderator
    elif post.hidden_at is not None:
        view.note = "Dit bericht is verborgen door een begeleider."
        view.shown = moderator
    elif post.pending_review:
        view.note = "Dit bericht wacht op goedkeuring door een begeleider."
        view.shown = moderator or own
        if not view.shown:
            return view
    if view.shown:
        rendered = render.render_markdown(post.body)
        view.html = rendered.html
        view.links = rendered.links + [s for s in ARTICLE_URL.findall(post.body)
                                       if s not in rendered.links]  # fmt: skip
    if post.quote_of_id in by_id:
        quoted, quoted_name = by_id[post.quote_of_id]
        if quoted.deleted_at is None and quoted.hidden_at is None and not quoted.pending_review:
            view.quote = (quoted_name, _excerpt(render.render_markdown(quoted.body).text))
    return view


def _attach_cards(views: list[PostView]) -> None:
    """Give each shown post the cards of the published articles it links, in one query."""
    wanted: dict[int, list[str]] = {}
    for view in views:
        if view.links:
            wanted[view.post.id] = view.links[:5]
    every = {s for slugs in wanted.values() for s in slugs}
    if not every:
        return
    found = {c.slug: c for c in queries.cards(queries.card_select(Article.slug.in_(every)))}
    for view in views:
        view.cards = [found[s] for s in wanted.get(view.post.id, []) if s in found]


def _excerpt(text: str, width: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class MemberRow:
    """A member in the group's list."""

    member: GroupMember
    name: str
    organisation: str
    email: str


def members(group: Group, states: tuple[str, ...] = ("active",)) -> list[MemberRow]:
    """Return the group's members in these states, begeleiders first, then by name."""
    rows = db.session.execute(
        select(GroupMember, User.name, User.organisation, User.email)
        .join(User, User.id == GroupMember.user_id)
        .where(GroupMember.group_id == group.id, GroupMember.state.in_(states))
        .order_by(GroupMember.role, User.name)  # 'facilitator' sorts before 'member'
    )
    return [MemberRow(m, n, o, e) for m, n, o, e in rows]


def last_activity(group: Group) -> datetime | None:
    """Return when something last happened in the group."""
    return db.session.scalar(
        select(func.max(Topic.last_activity_at)).where(Topic.group_id == group.id)
    )


def all_groups() -> list[Group]:
    """Return every group, archived and closed ones too, by name (for the editors)."""
    return list(db.session.scalars(select(Group).order_by(Group.name)))
