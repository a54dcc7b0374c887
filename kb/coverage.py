"""The coverage matrix: published articles per advies × theme, in one grouped query.

Facilitators see where the collection is thin; regions see where their example is wanted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from kb import changes, queries
from kb.models import Advice, Article, Theme, article_advice, article_theme, db

# Cells with at most this many articles are marked "weinig" (thin).
THIN = 2
DEFAULT_KIND = "praktijkvoorbeeld"


@dataclass
class Matrix:
    """Counts per (advies number, theme id), with the rows and columns to show them in."""

    advice: list[Advice]
    themes: list[Theme]
    counts: dict[tuple[int, int], int] = field(default_factory=dict)

    def count(self, number: int, theme_id: int) -> int:
        """Return the number of articles in one cell (0 when none)."""
        return self.counts.get((number, theme_id), 0)

    def level(self, number: int, theme_id: int) -> str:
        """Return the cell's band for marking and colour: leeg, weinig or goed."""
        n = self.count(number, theme_id)
        return "leeg" if n == 0 else "weinig" if n <= THIN else "goed"

    @property
    def empty_cells(self) -> int:
        """Return how many cells have no article at all."""
        return sum(1 for a in self.advice for t in self.themes if not self.count(a.number, t.id))


def matrix(filters: dict[str, list[str]]) -> Matrix:
    """Count published articles per advies × theme under filters (kind, region, sector)."""
    key = ("coverage", tuple(sorted((k, tuple(sorted(v))) for k, v in filters.items())))
    return changes.cached(key, lambda: _count(filters))


def _count(filters: dict[str, list[str]]) -> Matrix:
    selection = queries.filtered(filters).with_only_columns(Article.id).subquery()
    rows = db.session.execute(
        select(article_advice.c.advice_number, article_theme.c.theme_id,
               func.count(distinct(article_advice.c.article_id)))
        .join(article_theme, article_theme.c.article_id == article_advice.c.article_id)
        .where(article_advice.c.article_id.in_(select(selection.c.id)))
        .group_by(article_advice.c.advice_number, article_theme.c.theme_id)
    )  # fmt: skip
    counts = {(number, theme_id): n for number, theme_id, n in rows}
    return Matrix(advice=queries.advice_list(), themes=queries.themes(), counts=counts)
