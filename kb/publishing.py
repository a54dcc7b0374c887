"""State changes of articles: every change commits the database first, then updates the index.

Each change adds an IndexOutbox row in the same transaction as the article change. After the
commit the outbox is applied to the search index; if the index is locked or broken the rows stay
and are applied by the next run (any later commit, `kb reindex`, or `kb index-pending`). So the
database stays the source of truth and nothing is lost when indexing fails.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from kb.formatting import local_datetime
from kb.models import Article, ArticleRevision, IndexOutbox, User, db, utcnow

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
    """Mark an article for (re)indexing; the row commits together with the article change."""
    if article.id is None:
        db.session.flush()
    db.session.add(IndexOutbox(article_id=article.id, created_at=utcnow()))


def commit_and_index() -> None:
    """Commit the session, then apply pending index work; an index failure is logged only."""
    db.session.commit()
    apply_index_outbox()


def apply_index_outbox() -> int:
    """Apply pending index work; return how many articles were indexed (0 on failure)."""
    from kb import search  # search depends on models only; imported late to keep layers clear

    try:
        return search.process_outbox()
    except Exception:  # the commit already succeeded: never turn an index error into a 500
        log.exception("Index bijwerken mislukt; de wachtrij blijft staan voor een volgende poging")
        db.session.rollback()
        return 0


# --- online changes by editors (issue 4) -----------------------------------------------------


def apply_state(article: Article, state: dict[str, Any]) -> None:
    """Set an article's editable fields from plain data (a form or a revision), re-rendered."""
    from sqlalchemy import select

    from kb.models import Advice, ArticleLink, Kind, Region, Sector, Theme
    from kb.render import render_markdown

    def by_slug(model: type, slugs: list[str]) -> list:
        rows = {r.slug: r for r in db.session.scalars(select(model).where(model.slug.in_(slugs)))}
        return [rows[s] for s in slugs if s in rows]

    rendered = render_markdown(state.get("body_md") or "")
    article.title = state["title"]
    if state.get("kind"):
        article.kind = db.session.scalar(select(Kind).filter_by(slug=state["kind"]))
    article.summary = state.get("summary") or ""
    article.body_md = state.get("body_md") or ""
    article.body_html = rendered.html
    article.body_text = rendered.text
    article.reference_date = state.get("reference_date") or ""
    article.themes = by_slug(Theme, list(state.get("themes") or []))
    article.sectors = by_slug(Sector, list(state.get("sectors") or []))
    article.regions = by_slug(Region, list(state.get("regions") or []))
    numbers = [int(n) for n in state.get("advice") or []]
    article.advice = [a for n in numbers if (a := db.session.get(Advice, n)) is not None]
    related = [link for link in article.links if link.relation == "related"]
    related_slugs = {link.target_slug for link in related}
    # Reuse existing link rows: a delete-then-insert of the same key would hit the unique
    # constraint, because the unit of work inserts new rows before it deletes orphans.
    body_links = {link.target_slug: link for link in article.links if link.relation == "body"}
    links = list(related)
    for position, slug in enumerate(s for s in rendered.links if s not in related_slugs):
        link = body_links.get(slug) or ArticleLink(target_slug=slug, relation="body")
        link.position = position
        links.append(link)
    article.links = links
    article.checksum = article_checksum(article)


def publish_new_article(article: Article) -> None:
    """Add a new published article and queue it for the index (the caller commits)."""
    now = utcnow()
    article.status = "published"
    article.created_at = article.updated_at = article.published_at = now
    db.session.add(article)
    db.session.flush()
    queue_for_index(article)


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
    note = "Offline gehaald" if status == "unpublished" else "Weer online gezet"
    snapshot_revision(article, author, note)
    article.status = status
    if status == "published" and article.published_at is None:
        article.published_at = utcnow()
    article.edited_online_at = article.updated_at = utcnow()
    queue_for_index(article)
    commit_and_index()


def restore_revision(article: Article, revision: ArticleRevision, author: User) -> None:
    """Bring back an older revision's content; the current state is kept as a revision first."""
    snapshot_revision(article, author, f"Versie van {local_datetime(revision.created_at)} hersteld")
    data = dict(revision.data)
    data.pop("status", None)  # restoring content never silently publishes or unpublishes
    apply_state(article, data)
    article.edited_online_at = article.updated_at = utcnow()
    queue_for_index(article)
    commit_and_index()
