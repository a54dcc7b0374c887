"""URL slugs for things editors name: ASCII, lower case, hyphens."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import select

from kb.models import db


def slugify(text: str, fallback: str = "item") -> str:
    """Return a URL slug for a title (ASCII, hyphens, at most 80 characters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    return slug or fallback


def unique_slug(title: str, column: Any, fallback: str = "item") -> str:
    """Return a slug for title that no row has yet in column (e.g. Article.slug): -2, -3 …"""
    base = slugify(title, fallback)
    taken = set(db.session.scalars(select(column).where(column.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
