"""The one writer of articles: every change to an Article goes through here.

Files (`kb.content`), submissions (`kb.submissions`) and editors all use the same building
blocks: `create_article`, `apply_state`, `unpublish` and `restore`. The steps an editor takes
(`edit_article`, `set_article_status`, `restore`) commit; the building blocks leave the commit
to their caller, so a sync or a publish is one transaction.

Each change appends an IndexChange row (the change log) in the same transaction as the article
change. After the commit this instance's index applies the log from its own cursor; every other
instance's index applies it before its next search. If an index is locked or broken the changes
wait in the log for the next run (any later commit or search, `kb reindex`, or
`kb index-pending`). So the database stays the source of truth and nothing is lost when
indexing fails, on one node or several.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb import queries
from kb.formatting import local_datetime
from kb.models import (
    Advice,
    Article,
    ArticleLink,
    ArticleRevision,
    Citation,
    IndexChange,
    Kind,
    Region,
    Sector,
    Theme,
    User,
    db,
    utcnow,
)
from kb.render import render_markdown

log = logging.getLogger(__name__)


def article_checksum(article: Article) -> str:
    """Return a checksum over the fields a reader sees, to tell real changes from no-ops."""
    return hashlib.sha256(json.dumps(article_state(article), sort_keys=True).encode()).hexdigest()


def article_state(article: Article) -> dict[str, Any]:
    """Return the editable state of an article as plain data (for revisions and checksums)."""
    return {
        "title": article.title,
        "kind": article.kind.slug if article.kind else None,
        "summary": article.summary,
        "body_md": article.body_md,
        "reference_date": article.reference_date,
        "themes": [t.slug for t in article.themes],
        "advice": [a.number for a in article.advice],
        "sectors": [s.slug for s in article.sectors],
        "regions": [r.slug for r in article.regions],
        "external_links": [dict(link) for link in article.external_links or []],
        "organisations": list(article.organisations or []),
        "contact": article.contact or "",
        "editor_note": article.editor_note or "",
        "status": article.status,
    }


def snapshot_revision(article: Article, author: User | None, note: str = "") -> ArticleRevision:
    """Keep the article's current state as a revision (before it is changed)."""
    revision = ArticleRevision(
        article_id=article.id, author=author, note=note, data=article_state(article)
    )
    db.session.add(revision)
    return revision


def queue_for_index(article: Article) -> None:
    """Log an article change for every index; the row commits together with the change."""
    if article.id is None:
        db.session.flush()
    op = "index" if article.status == "published" else "remove"
    db.session.add(IndexChange(article_id=article.id, op=op, created_at=utcnow()))


def queue_articles(article_ids: list[int]) -> None:
    """Log a change for these articles (their taxonomy labels or slugs changed)."""
    if not article_ids:
        return
    for article in db.session.scalars(select(Article).where(Article.id.in_(article_ids))):
        queue_for_index(article)


def retag_themes(article_ids: list[int], add: Theme | None, remove: Theme | None) -> None:
    """Give these articles theme `add` and take `remove` away (a merge or its undo); queue them."""
    stmt = (select(Article).where(Article.id.in_(article_ids))
            .options(selectinload(Article.themes)))  # fmt: skip
    for article in db.session.scalars(stmt):
        themes = [t for t in article.themes if t is not remove]
        if add is not None and add not in themes:
            themes.append(add)
        article.themes = themes
        article.checksum = article_checksum(article)
        queue_for_index(article)


def commit_and_index() -> None:
    """Commit the session, then apply the change log to this index; a failure is logged only."""
    db.session.commit()
    apply_index_outbox()


def apply_index_outbox() -> int:
    """Apply logged changes to this index; return how many articles were indexed (0 on failure)."""
    from kb import search  # search depends on models only; imported late to keep layers clear

    try:
        return search.index_pending()
    except Exception:  # the commit already succeeded: never turn an index error into a 500
        log.exception("Index bijwerken mislukt; de wijzigingen blijven in de log staan")
        db.session.rollback()
        return 0


# --- building blocks: the caller commits ------------------------------------------------------


def apply_state(article: Article, state: dict[str, Any]) -> None:
    """Set an article's fields from plain data (a file, a submission, a form or a revision).

    Always applied: title, kind, summary, body (re-rendered), reference date and taxonomy.
    Applied only when present: "related" (slugs), "citations" (dicts), "content_updated" and
    the "Meer weten" fields "external_links" ({title, url} dicts), "organisations", "contact"
    and "editor_note"; so a form or an old revision without them leaves them as they are.
    """
    rendered = render_markdown(state.get("body_md") or "")
    article.title = state["title"]
    if state.get("kind"):
        article.kind = queries.by_slug(Kind, state["kind"])
    article.summary = state.get("summary") or ""
    article.body_md = state.get("body_md") or ""
    article.body_html = rendered.html
    article.body_text = rendered.text
    article.reference_date = state.get("reference_date") or ""
    article.themes = queries.rows_by_slugs(Theme, list(state.get("themes") or []))
    article.sectors = queries.rows_by_slugs(Sector, list(state.get("sectors") or []))
    article.regions = queries.rows_by_slugs(Region, list(state.get("regions") or []))
    numbers = [int(n) for n in state.get("advice") or []]
    article.advice = [a for n in numbers if (a := db.session.get(Advice, n)) is not None]
    if "content_updated" in state:
        article.content_updated = state["content_updated"]
    if "citations" in state:
        _replace_citations(article, state["citations"])
    _apply_more_info(article, state)
    _set_links(article, rendered.links, state.get("related"))
    article.checksum = article_checksum(article)


def _apply_more_info(article: Article, state: dict[str, Any]) -> None:
    if "external_links" in state:
        article.external_links = [
            {"title": str(link.get("title") or ""), "url": str(link.get("url") or "")}
            for link in state["external_links"] or []
        ]
    if "organisations" in state:
        article.organisations = [str(name) for name in state["organisations"] or []]
    for name in ("contact", "editor_note"):
        if name in state:
            setattr(article, name, state[name] or "")


def _replace_citations(article: Article, citations: list[dict[str, Any]]) -> None:
    if article.id is not None and article.citations:
        # Delete before adding: the unit of work inserts before it deletes orphans.
        article.citations.clear()
        db.session.flush()
    article.citations = [
        Citation(source_id=c.get("source_id"), organisation=c.get("organisation"),
                 section=c.get("section", ""), pages=c.get("pages", ""), position=i)
        for i, c in enumerate(citations)
    ]  # fmt: skip


def _set_links(article: Article, body_slugs: list[str], related: list[str] | None) -> None:
    """Set the related links (kept when related is None) and the links found in the body."""
    # Reuse existing link rows: a delete-then-insert of the same key would hit the unique
    # constraint, because the unit of work inserts new rows before it deletes orphans.
    existing = {(link.target_slug, link.relation): link for link in article.links}
    if related is None:
        related = [link.target_slug for link in article.links if link.relation == "related"]
    related = list(dict.fromkeys(related))
    body = [slug for slug in dict.fromkeys(body_slugs) if slug not in related]
    links = []
    for relation, slugs in (("related", related), ("body", body)):
        for position, slug in enumerate(slugs):
            link = existing.get((slug, relation))
            if link is None:
                link = ArticleLink(target_slug=slug, relation=relation)
            link.position = position
            links.append(link)
    article.links = links


def create_article(slug: str, origin: str, state: dict[str, Any]) -> Article:
    """Add a new published article and queue it for the index."""
    now = utcnow()
    article = Article(slug=slug, origin=origin, status="published", links=[],
                      created_at=now, updated_at=now, published_at=now)  # fmt: skip
    apply_state(article, state)
    db.session.add(article)
    db.session.flush()
    queue_for_index(article)
    return article


def unpublish(article: Article, author: User | None = None, note: str = "Offline gehaald") -> None:
    """Take an article offline (nothing is deleted); with an author the old state is a revision."""
    if author is not None:
        snapshot_revision(article, author, note)
    article.status = "unpublished"
    article.updated_at = utcnow()
    queue_for_index(article)


# --- the steps editors take: these commit ----------------------------------------------------


def edit_article(article: Article, state: dict[str, Any], author: User, note: str = "") -> bool:
    """Save an online edit, keeping the previous state as a revision; False if nothing changed."""
    before = article_checksum(article)
    snapshot = article_state(article)
    apply_state(article, state)
    if article.checksum == before:
        db.session.rollback()
        return False
    db.session.add(ArticleRevision(article_id=article.id, author=author,
                                   note=note or "Online bewerkt", data=snapshot))  # fmt: skip
    article.edited_online_at = article.updated_at = utcnow()
    queue_for_index(article)
    commit_and_index()
    return True


def set_article_status(article: Article, status: str, author: User) -> None:
    """Take an article offline or put it back online; the old state is kept as a revision."""
    if status == "unpublished":
        unpublish(article, author)
    else:
        snapshot_revision(article, author, "Weer online gezet")
        article.status = "published"
        if article.published_at is None:
            article.published_at = utcnow()
        queue_for_index(article)
    article.edited_online_at = article.updated_at = utcnow()
    commit_and_index()


def restore(article: Article, revision: ArticleRevision, author: User) -> None:
    """Bring back an older revision's content; the current state is kept as a revision first."""
    snapshot_revision(article, author, f"Versie van {local_datetime(revision.created_at)} hersteld")
    data = dict(revision.data)
    data.pop("status", None)  # restoring content never silently publishes or unpublishes
    apply_state(article, data)
    article.edited_online_at = article.updated_at = utcnow()
    queue_for_index(article)
    commit_and_index()
