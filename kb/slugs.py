"""URL slugs for things editors name: ASCII, lower case, hyphens."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, fallback: str = "item") -> str:
    """Return a URL slug for a title (ASCII, hyphens, at most 80 characters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    return slug or fallback
