""" "In mijn groepen": search the posts of the groups a person may read, in the database.

Group posts never enter the Whoosh index (which feeds the public search, suggestions, feeds,
the API and every digest). Each post carries `search_terms`, the project's Dutch analysis of
its title and body; a query is analysed the same way (kb.search.query_terms) and every word
must be one of the post's terms. The SQL itself is restricted to visible_group_ids(user): no
row of another group is ever read, so neither a result, a snippet nor a count can leak.
Newest first; snippets are escaped with the matches in <mark>, as in the main search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for
from markupsafe import Markup
from sqlalchemy import func, literal, select

from kb import search
from kb.groups.access import visible_group_ids
from kb.groups.models import Group, Post, Topic
from kb.models import User, db

MAX_PAGE = 50


@dataclass
class GroupHit:
    """One post found, with what the result list shows."""

    post_id: int
    topic_title: str
    group_name: str
    author: str
    created_at: datetime
    snippet: Markup
    url: str


@dataclass
class GroupSearch:
    """What a group search found: the total and one page of hits."""

    q: str
    total: int = 0
    hits: list[GroupHit] = field(default_factory=list)
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        """Return the number of result pages."""
        return max(1, -(-self.total // self.per_page))


def _conditions(group_ids: set[int], terms: search.TermQuery) -> list[Any]:
    # Padded with spaces so every term matches whole (`LIKE '% zorg %'`), on SQLite and PG.
    padded = literal(" ") + Post.search_terms + literal(" ")
    where = [
        Post.group_id.in_(sorted(group_ids)),
        Post.deleted_at.is_(None),
        Post.hidden_at.is_(None),
        Post.pending_review.is_(False),
        Topic.hidden_at.is_(None),
    ]
    where += [padded.contains(f" {t} ", autoescape=True) for t in terms.required]
    where += [~padded.contains(f" {t} ", autoescape=True) for t in terms.excluded]
    return where


def search_posts(user: Any, q: str, page: int = 1, per_page: int = 20) -> GroupSearch:
    """Search the posts the user may read (none for anonymous visitors and non-members)."""
    page = min(max(page, 1), MAX_PAGE)
    result = GroupSearch(q=q, page=page, per_page=per_page)
    group_ids = visible_group_ids(user)
    if not group_ids or not q.strip():
        return result
    terms = search.query_terms(q)
    if terms.is_empty:
        return result
    where = _conditions(group_ids, terms)
    base = select(Post.id).join(Topic, Topic.id == Post.topic_id).where(*where)
    result.total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    if not result.total:
        return result
    rows = db.session.execute(
        select(Post, Topic.title, Group.slug, Group.name, User.name)
        .join(Topic, Topic.id == Post.topic_id)
        .join(Group, Group.id == Post.group_id)
        .outerjoin(User, User.id == Post.author_id)
        .where(*where)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()  # fmt: skip
    for post, title, slug, name, author in rows:
        url = (
            url_for("group_topics.topic", slug=slug, topic_id=post.topic_id) + f"#bericht-{post.id}"
        )
        result.hits.append(GroupHit(post.id, title, name, author or "Een deelnemer",
                                    post.created_at, terms.excerpt(post.body), url))  # fmt: skip
    return result
