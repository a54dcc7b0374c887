"""Read-side queries shared by the pages, the JSON API, the forms and the index.

One place for each vocabulary: the facet names, the browse sort keys and every taxonomy list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from kb.models import (
    Advice,
    Article,
    ArticleLink,
    Kind,
    Region,
    Sector,
    Theme,
    article_advice,
    article_region,
    article_sector,
    article_theme,
    db,
)

# The facets of search and the filters of the browse pages and the API, in display order.
FACETS = ("kind", "theme", "advice", "region", "sector")

# Filter name -> (association table, its column, the taxonomy column the value is matched on)
FILTERS = {
    "theme": (article_theme, article_theme.c.theme_id, Theme),
    "region": (article_region, article_region.c.region_id, Region),
    "sector": (article_sector, article_sector.c.sector_id, Sector),
}


@dataclass
class Page:
    """One page of results."""

    items: list[Article]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def published() -> Select:
    """Select published articles with their taxonomy loaded."""
    return (
        select(Article)
        .where(Article.status == "published")
        .options(
            selectinload(Article.themes),
            selectinload(Article.regions),
            selectinload(Article.advice),
            selectinload(Article.sectors),
        )
    )


def filtered(filters: dict[str, list[str]]) -> Select:
    """Published articles matching every filter; values within one filter combine with OR."""
    stmt = published()
    for name, values in filters.items():
        if not values:
            continue
        if name == "kind":
            stmt = stmt.join(Kind, Article.kind_id == Kind.id).where(Kind.slug.in_(values))
        elif name == "advice":
            numbers = [int(v) for v in values if str(v).isdigit()]
            sub = select(article_advice.c.article_id).where(
                article_advice.c.advice_number.in_(numbers)
            )
            stmt = stmt.where(Article.id.in_(sub))
        elif name in FILTERS:
            table, column, model = FILTERS[name]
            sub = (
                select(table.c.article_id)
                .join(model, column == model.id)
                .where(model.slug.in_(values))
            )
            stmt = stmt.where(Article.id.in_(sub))
    return stmt


SORTS = {
    "nieuw": (Article.published_at.desc(), Article.reference_date.desc(), Article.title),
    "titel": (Article.title,),
}


def paginate(stmt: Select, page: int, per_page: int, sort: str = "titel") -> Page:
    """Return one page of a select of articles, sorted."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = max(1, page)
    items = list(
        db.session.scalars(
            stmt.order_by(*SORTS.get(sort, SORTS["titel"]))
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).unique()
    )
    return Page(items=items, total=total or 0, page=page, per_page=per_page)


def published_in_order(ids: list[int]) -> list[Article]:
    """Load the published articles with these ids, in the given (rank) order."""
    rows = {a.id: a for a in db.session.scalars(published().where(Article.id.in_(ids))).unique()}
    return [rows[i] for i in ids if i in rows]


def article_by_slug(slug: str) -> Article | None:
    """Return the published article with this slug, or None."""
    return db.session.scalar(published().where(Article.slug == slug))


def counts_by(table: Any, column: Any) -> dict[int, int]:
    """Count published articles per taxonomy row id."""
    rows = db.session.execute(
        select(column, func.count())
        .join(Article, Article.id == table.c.article_id)
        .where(Article.status == "published")
        .group_by(column)
    )
    return dict(rows.all())


def theme_counts() -> dict[int, int]:
    """Count published articles per theme id."""
    return counts_by(article_theme, article_theme.c.theme_id)


def region_counts() -> dict[int, int]:
    """Count published articles per region id."""
    return counts_by(article_region, article_region.c.region_id)


def advice_counts() -> dict[int, int]:
    """Count published articles per advice number."""
    return counts_by(article_advice, article_advice.c.advice_number)


def kind_counts() -> dict[int, int]:
    """Count published articles per kind id."""
    rows = db.session.execute(
        select(Article.kind_id, func.count())
        .where(Article.status == "published")
        .group_by(Article.kind_id)
    )
    return dict(rows.all())


def region_portrait(region: Region) -> Article | None:
    """Return the published portrait of a region, if there is one."""
    stmt = filtered({"kind": ["regioportret"], "region": [region.slug]})
    return db.session.scalars(stmt.order_by(Article.title)).first()


def related_articles(article: Article, limit: int = 6) -> list[Article]:
    """Articles the author linked (related first, then body links), then those linking here."""
    slugs = [link.target_slug for link in article.links]
    linked = {a.slug: a for a in db.session.scalars(published().where(Article.slug.in_(slugs)))}
    ordered = [linked[s] for s in dict.fromkeys(slugs) if s in linked]
    if len(ordered) < limit:
        backlinks = db.session.scalars(
            published()
            .join(ArticleLink, ArticleLink.article_id == Article.id)
            .where(ArticleLink.target_slug == article.slug)
            .order_by(Article.title)
        ).unique()
        for other in backlinks:
            if other.id != article.id and other not in ordered:
                ordered.append(other)
    return ordered[:limit]


def newest(limit: int = 6) -> list[Article]:
    """Return the most recently published or updated articles."""
    return list(
        db.session.scalars(
            # A sync publishes many articles at once; then the most recent situation goes first.
            published()
            .order_by(Article.published_at.desc(), Article.reference_date.desc(), Article.title)
            .limit(limit)
        ).unique()
    )


def newest_of_kind(kind: str, limit: int = 6) -> list[Article]:
    """Return the published articles of one kind with the most recent stand van zaken first."""
    return list(
        db.session.scalars(
            filtered({"kind": [kind]})
            .order_by(Article.reference_date.desc(), Article.content_updated.desc(), Article.title)
            .limit(limit)
        ).unique()
    )


# --- taxonomy lists ---------------------------------------------------------------------------


def themes() -> list[Theme]:
    """Return every theme in taxonomy order."""
    return list(db.session.scalars(select(Theme).order_by(Theme.position)))


def kinds() -> list[Kind]:
    """Return every kind in taxonomy order."""
    return list(db.session.scalars(select(Kind).order_by(Kind.position)))


def advice_list() -> list[Advice]:
    """Return the seven adviezen by number."""
    return list(db.session.scalars(select(Advice).order_by(Advice.number)))


def regions() -> list[Region]:
    """Return every region by name."""
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def sectors() -> list[Sector]:
    """Return every sector in taxonomy order."""
    return list(db.session.scalars(select(Sector).order_by(Sector.position)))


def by_slug(model: type, slug: str) -> Any:
    """Return the taxonomy row (theme, region, kind, sector) with this slug, or None."""
    return db.session.scalar(select(model).filter_by(slug=slug))


def rows_by_slugs(model: type, slugs: list[str]) -> list[Any]:
    """Return the taxonomy rows with these slugs, in the given order (unknown slugs skipped)."""
    rows = {r.slug: r for r in db.session.scalars(select(model).where(model.slug.in_(slugs)))}
    return [rows[s] for s in slugs if s in rows]


def facet_labels() -> dict[str, dict[str, str]]:
    """Return facet -> value -> label, in taxonomy order."""
    return {
        "kind": {k.slug: k.label for k in kinds()},
        "theme": {t.slug: t.label for t in themes()},
        "advice": {str(a.number): f"Advies {a.number}: {a.label}" for a in advice_list()},
        "region": {r.slug: r.name for r in regions()},
        "sector": {s.slug: s.label for s in sectors()},
    }


def taxonomy_choices() -> dict[str, list[tuple[str, str]]]:
    """Return (value, label) pairs for every taxonomy picker of the forms."""
    region_pairs = [(r.slug, r.name) for r in regions()]
    return {
        "region": [("", "— kies een regio —"), *region_pairs],
        "regions": region_pairs,
        "themes": [(t.slug, t.label) for t in themes()],
        "advice": [(str(a.number), f"Advies {a.number}: {a.label}") for a in advice_list()],
        "sectors": [(s.slug, s.label) for s in sectors()],
        "kind": [(k.slug, k.label) for k in kinds()],
    }
