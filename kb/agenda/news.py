"""News items: written by editors, rendered by the one Markdown sanitiser, newest first."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from kb.models import NewsItem, db, utcnow
from kb.render import render_markdown


def save_news(item: NewsItem | None, data: dict[str, Any]) -> NewsItem:
    """Create or update a news item from form data; commits."""
    if item is None:
        item = NewsItem()
        db.session.add(item)
    item.title = data["title"].strip()
    item.body_md = data.get("body_md") or ""
    item.body_html = render_markdown(item.body_md).html
    item.article_slug = (data.get("article_slug") or "").strip() or None
    item.published_on = data.get("published_on") or date.today()
    item.updated_at = utcnow()
    db.session.commit()
    return item


def latest(limit: int | None = None) -> list[NewsItem]:
    """Return news items, newest first (up to limit)."""
    stmt = select(NewsItem).order_by(NewsItem.published_on.desc(), NewsItem.id.desc())
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def delete_news(item: NewsItem) -> None:
    """Remove a news item; commits."""
    db.session.delete(item)
    db.session.commit()
