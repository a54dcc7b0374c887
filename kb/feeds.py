"""Atom 1.0 feeds of article lists, built with feedgen (a real feed library, not a template).

Entry ids are tag URIs on the article's database id, so they stay the same when a title or slug
changes; `updated` is the article's last real content change, `published` its publication.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask import current_app, url_for

from kb.models import Article

SITE_NAME = "Kennisbank Onderwijs · Zorg · Jeugd"
FEED_SIZE = 50
MEDIA_TYPE = "application/atom+xml; charset=utf-8"


def absolute(path: str) -> str:
    """Return path on the configured public address (not the request's Host header)."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def entry_id(article: Article) -> str:
    """Return the stable Atom id of an article: a tag URI on its database id."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"tag:{host},2026:artikel/{article.id}"


def _aware(moment: datetime) -> datetime:
    """Stored times are naive UTC; feedgen (and Atom) want an explicit offset."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def atom_feed(title: str, page_path: str, feed_path: str, articles: Iterable[Article]) -> bytes:
    """Return an Atom document listing articles, for the page at page_path."""
    generator = FeedGenerator()
    generator.id(absolute(feed_path))
    generator.title(f"{title} · {SITE_NAME}")
    generator.subtitle("Nieuwe en gewijzigde artikelen in de kennisbank")
    generator.author({"name": SITE_NAME})
    generator.language("nl")
    generator.link(href=absolute(page_path), rel="alternate", type="text/html")
    generator.link(href=absolute(feed_path), rel="self", type="application/atom+xml")
    newest: datetime | None = None
    for article in articles:
        updated = _aware(article.updated_at)
        newest = max(newest, updated) if newest else updated
        entry = generator.add_entry(order="append")
        entry.id(entry_id(article))
        entry.title(article.title)
        entry.link(href=absolute(url_for("public.article", slug=article.slug)), rel="alternate")
        entry.summary(article.summary or article.title)
        entry.updated(updated)
        if article.published_at:
            entry.published(_aware(article.published_at))
        entry.category(term=article.kind.slug, label=article.kind.label)
        for theme in article.themes:
            entry.category(term=theme.slug, label=theme.label)
    # An empty selection is still a valid feed; Atom needs an `updated` even then.
    generator.updated(newest or datetime.now(UTC))
    return generator.atom_str(pretty=False)
