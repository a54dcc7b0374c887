"""Published articles that look like a text: the "Lijkt op" list that catches duplicates early."""

from __future__ import annotations

import logging
import re

from kb.models import Article
from kb.queries import published_in_order
from kb.search import search

log = logging.getLogger(__name__)

# Short function words say nothing about what an example is about.
_STOPWORDS = frozenset(
    ("aan", "als", "bij", "dat", "de", "den", "der", "des", "die", "dit", "door", "een", "en",
     "het", "hun", "in", "is", "met", "na", "naar", "niet", "nog", "of", "om", "onder", "ook",
     "op", "over", "te", "tot", "uit", "van", "voor", "wat", "we", "wij", "zijn", "zij", "zo")
)  # fmt: skip
_WORD = re.compile(r"[^\W_]{3,}")


def query_words(text: str, limit: int = 16) -> list[str]:
    """Return the distinct meaningful lower-case words of a text, in order."""
    words = (w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)
    return list(dict.fromkeys(words))[:limit]


def similar_articles(text: str, limit: int = 5) -> list[Article]:
    """Return published articles most like the text, best first; [] if search is unavailable."""
    words = query_words(text)
    if not words:
        return []
    try:
        # The search tries all words first, then falls back to articles with some of them.
        ids = search(" ".join(words), per_page=limit).ids[:limit]
    except Exception:  # a broken index must not break the form that uses this as a hint
        log.warning("Lijkt-op zoeken mislukt", exc_info=True)
        return []
    return published_in_order(ids)
