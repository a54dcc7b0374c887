"""Read-side queries shared by the pages, the JSON API, the forms and the index.

One place for each vocabulary: the facet names, the browse sort keys and every taxonomy list.
The pages get plain, fully loaded objects (`ArticleView`, `Row`), never ORM rows a template
could lazy-load from: a page of results is one SELECT (its taxonomy ids aggregated per row and
resolved from the taxonomy cached per process), and taxonomy, counts and article pages are
cached per process on the change counter (`kb.changes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, String, cast, func, inspect, or_, select
from sqlalchemy.orm import selectinload

from kb import changes
from kb.models import (
    Advice,
    Article,
    ArticleLink,
    Kind,
    Region,
    Sector,
    Source,
    SynonymGroup,
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


class Row(SimpleNamespace):
    """A plain, read-only copy of a database row: safe to cache and to hand to any template."""


class ArticleView(Row):
    """A published article as the pages show it, with its taxonomy resolved."""

    @property
    def is_published(self) -> bool:
        """Tell whether readers may see this article."""
        return self.status == "published"


def plain(obj: Any, cls: type[Row] = Row, **extra: Any) -> Row:
    """Copy every column of an ORM object (plus extra attributes) into a plain object."""
    values = {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}
    return cls(**values, **extra)


@dataclass
class Page:
    """One page of results."""

    items: list[ArticleView]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))


# --- ORM selects (for writers and the index) --------------------------------------------------


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


def filter_clauses(filters: dict[str, list[str]]) -> list[Any]:
    """Return WHERE clauses for the filters; values within one filter combine with OR."""
    clauses = []
    for name, values in filters.items():
        if not values:
            continue
        if name == "kind":
            clauses.append(Article.kind_id.in_(select(Kind.id).where(Kind.slug.in_(values))))
        elif name == "advice":
            numbers = [int(v) for v in values if str(v).isdigit() and len(str(v)) < 10]
            sub = select(article_advice.c.article_id).where(
                article_advice.c.advice_number.in_(numbers)
            )
            clauses.append(Article.id.in_(sub))
        elif name in FILTERS:
            table, column, model = FILTERS[name]
            sub = (
                select(table.c.article_id)
                .join(model, column == model.id)
                .where(model.slug.in_(values))
            )
            clauses.append(Article.id.in_(sub))
    return clauses


def filtered(filters: dict[str, list[str]]) -> Select:
    """Published articles (ORM) matching every filter."""
    return published().where(*filter_clauses(filters))


def published_in_order(ids: list[int]) -> list[Article]:
    """Load the published articles (ORM) with these ids, in the given (rank) order."""
    rows = {a.id: a for a in db.session.scalars(published().where(Article.id.in_(ids))).unique()}
    return [rows[i] for i in ids if i in rows]


def article_by_slug(slug: str) -> Article | None:
    """Return the published article (ORM) with this slug, or None."""
    return db.session.scalar(published().where(Article.slug == slug))


# --- the taxonomy, cached per process ---------------------------------------------------------


@dataclass
class Catalogue:
    """Every taxonomy list as plain rows, in display order, with look-ups by id and slug."""

    kinds: list[Row]
    themes: list[Row]
    advice: list[Row]
    regions: list[Row]
    sectors: list[Row]
    synonyms: tuple[tuple[str, ...], ...]
    by_id: dict[str, dict[int, Row]] = field(default_factory=dict)
    by_slug: dict[type, dict[str, Row]] = field(default_factory=dict)
    order: dict[str, dict[int, int]] = field(default_factory=dict)


def _load_catalogue() -> Catalogue:
    lists = {
        "kind": [plain(k) for k in db.session.scalars(select(Kind).order_by(Kind.position))],
        "theme": [plain(t) for t in db.session.scalars(select(Theme).order_by(Theme.position))],
        "advice": [plain(a) for a in db.session.scalars(select(Advice).order_by(Advice.number))],
        "region": [plain(r) for r in db.session.scalars(select(Region).order_by(Region.name))],
        "sector": [plain(s) for s in db.session.scalars(select(Sector).order_by(Sector.position))],
    }
    synonyms = tuple(tuple(g) for g in db.session.scalars(select(SynonymGroup.terms)))
    catalogue = Catalogue(lists["kind"], lists["theme"], lists["advice"], lists["region"],
                          lists["sector"], synonyms)  # fmt: skip
    for name, rows in lists.items():
        key = "number" if name == "advice" else "id"
        catalogue.by_id[name] = {getattr(r, key): r for r in rows}
        catalogue.order[name] = {getattr(r, key): n for n, r in enumerate(rows)}
    models = {"kind": Kind, "theme": Theme, "advice": Advice, "region": Region, "sector": Sector}
    for name, model in models.items():
        catalogue.by_slug[model] = {r.slug: r for r in lists[name]}
    return catalogue


def catalogue() -> Catalogue:
    """Return the taxonomy, read once per process and change."""
    return changes.cached("catalogue", _load_catalogue)


def themes() -> list[Row]:
    """Return every theme in taxonomy order."""
    return catalogue().themes


def kinds() -> list[Row]:
    """Return every kind in taxonomy order."""
    return catalogue().kinds


def advice_list() -> list[Row]:
    """Return the seven adviezen by number."""
    return catalogue().advice


def regions() -> list[Row]:
    """Return every region by name."""
    return catalogue().regions


def sectors() -> list[Row]:
    """Return every sector in taxonomy order."""
    return catalogue().sectors


def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """Return the synonym groups (cached per process and change)."""
    return catalogue().synonyms


def taxonomy_row(model: type, slug: str) -> Row | None:
    """Return the cached taxonomy row (theme, region, kind, sector, advice) with this slug."""
    return catalogue().by_slug[model].get(slug)


def by_slug(model: type, slug: str) -> Any:
    """Return the taxonomy row (ORM, for writers) with this slug, or None."""
    return db.session.scalar(select(model).filter_by(slug=slug))


def rows_by_slugs(model: type, slugs: list[str]) -> list[Any]:
    """Return the taxonomy rows (ORM) with these slugs, in the given order (unknown skipped)."""
    rows = {r.slug: r for r in db.session.scalars(select(model).where(model.slug.in_(slugs)))}
    return [rows[s] for s in slugs if s in rows]


def facet_labels() -> dict[str, dict[str, str]]:
    """Return facet -> value -> label, in taxonomy order."""
    return changes.cached("facet_labels", _facet_labels)


def _facet_labels() -> dict[str, dict[str, str]]:
    return {
        "kind": {k.slug: k.label for k in kinds()},
        "theme": {t.slug: t.label for t in themes()},
        "advice": {str(a.number): f"Advies {a.number}: {a.label}" for a in advice_list()},
        "region": {r.slug: r.name for r in regions()},
        "sector": {s.slug: s.label for s in sectors()},
    }


def retired() -> dict[str, frozenset[str]]:
    """Return facet -> slugs of retired themes, regions and sectors (no longer offered)."""
    return changes.cached("retired", _retired)


def _retired() -> dict[str, frozenset[str]]:
    lists = {"theme": themes(), "region": regions(), "sector": sectors()}
    return {name: frozenset(r.slug for r in rows if r.retired) for name, rows in lists.items()}


def taxonomy_choices(keep_retired: bool = False) -> dict[str, list[tuple[str, str]]]:
    """Return (value, label) pairs for every taxonomy picker of the forms.

    Retired rows are left out (the submission form) unless keep_retired (editors' forms,
    where an article that has one must keep it).
    """

    def offered(rows: list[Row]) -> list[Row]:
        return rows if keep_retired else [r for r in rows if not r.retired]

    region_pairs = [(r.slug, r.name) for r in offered(regions())]
    return {
        "region": [("", "— kies een regio —"), *region_pairs],
        "regions": region_pairs,
        "themes": [(t.slug, t.label) for t in offered(themes())],
        "advice": [(str(a.number), f"Advies {a.number}: {a.label}") for a in advice_list()],
        "sectors": [(s.slug, s.label) for s in offered(sectors())],
        "kind": [(k.slug, k.label) for k in kinds()],
    }


# --- article cards: one SELECT per list -------------------------------------------------------

# Everything a card or a list item shows; the Markdown, HTML and text bodies stay behind.
_HEAVY = {"body_md", "body_html", "body_text", "checksum", "file_checksum"}
_CARD_COLUMNS = [c for c in Article.__table__.columns if c.key not in _HEAVY]
_LINKED = {
    "theme": (article_theme, article_theme.c.theme_id),
    "region": (article_region, article_region.c.region_id),
    "advice": (article_advice, article_advice.c.advice_number),
    "sector": (article_sector, article_sector.c.sector_id),
}
_PLURAL = {"theme": "themes", "region": "regions", "advice": "advice", "sector": "sectors"}


def _aggregated_ids(table: Any, column: Any) -> Any:
    """The row's taxonomy ids as one comma-separated string (a correlated subquery)."""
    text = cast(column, String)
    if db.session.get_bind().dialect.name == "postgresql":
        joined = func.string_agg(text, ",")
    else:
        joined = func.group_concat(text, ",")
    return select(joined).where(table.c.article_id == Article.id).scalar_subquery()


def card_select(*where: Any) -> Select:
    """Select published articles as card rows: columns plus their taxonomy ids, in one query."""
    ids = [_aggregated_ids(t, c).label(f"_{name}") for name, (t, c) in _LINKED.items()]
    return select(*_CARD_COLUMNS, *ids).where(Article.status == "published", *where)


def _resolve(cat: Catalogue, name: str, ids: Any) -> list[Row]:
    """Return the cached taxonomy rows with these ids, in display order."""
    rows, order = cat.by_id[name], cat.order[name]
    return [rows[i] for i in sorted(set(ids) & rows.keys(), key=order.__getitem__)]


def _card(row: Any, cat: Catalogue) -> ArticleView:
    data = dict(row._mapping)
    for name in _LINKED:
        raw = data.pop(f"_{name}") or ""
        data[_PLURAL[name]] = _resolve(cat, name, (int(i) for i in raw.split(",") if i))
    data["kind"] = cat.by_id["kind"].get(data["kind_id"])
    return ArticleView(**data)


def cards(stmt: Select) -> list[ArticleView]:
    """Run a card_select() and return plain articles with kind and taxonomy resolved."""
    cat = catalogue()
    return [_card(row, cat) for row in db.session.execute(stmt)]


def cards_in_order(ids: list[int]) -> list[ArticleView]:
    """Return the published articles with these ids as cards, in the given (rank) order."""
    if not ids:
        return []
    found = {c.id: c for c in cards(card_select(Article.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


SORTS = {
    "nieuw": (Article.published_at.desc(), Article.reference_date.desc(), Article.title),
    "titel": (Article.title,),
}


def paginate(filters: dict[str, list[str]], page: int, per_page: int, sort: str = "titel") -> Page:
    """Return one page of published articles matching the filters, sorted (two queries)."""
    clauses = filter_clauses(filters)
    total = db.session.scalar(
        select(func.count()).select_from(Article).where(Article.status == "published", *clauses)
    )
    page = max(1, min(page, 10**6))
    stmt = (
        card_select(*clauses)
        .order_by(*SORTS.get(sort, SORTS["titel"]))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(items=cards(stmt), total=total or 0, page=page, per_page=per_page)


# --- counts and lists, cached per process and change ------------------------------------------


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
    return changes.cached("theme_counts", lambda: counts_by(*_LINKED["theme"]))


def region_counts() -> dict[int, int]:
    """Count published articles per region id."""
    return changes.cached("region_counts", lambda: counts_by(*_LINKED["region"]))


def advice_counts() -> dict[int, int]:
    """Count published articles per advice number."""
    return changes.cached("advice_counts", lambda: counts_by(*_LINKED["advice"]))


def kind_counts() -> dict[int, int]:
    """Count published articles per kind id."""
    return changes.cached("kind_counts", _kind_counts)


def _kind_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(Article.kind_id, func.count())
        .where(Article.status == "published")
        .group_by(Article.kind_id)
    )
    return dict(rows.all())


def region_portraits() -> dict[int, ArticleView]:
    """Return region id -> its published portrait (the first by title)."""
    return changes.cached("portraits", _region_portraits)


def _region_portraits() -> dict[int, ArticleView]:
    found: dict[int, ArticleView] = {}
    stmt = card_select(*filter_clauses({"kind": ["regioportret"]})).order_by(Article.title)
    for card in cards(stmt):
        for region in card.regions:
            found.setdefault(region.id, card)
    return found


def region_portrait(region: Any) -> ArticleView | None:
    """Return the published portrait of a region, if there is one."""
    return region_portraits().get(region.id)


def advice_pages() -> dict[int, ArticleView]:
    """Return advies number -> the published advies page about it (the first by title)."""
    return changes.cached("advice_pages", _advice_pages)


def _advice_pages() -> dict[int, ArticleView]:
    found: dict[int, ArticleView] = {}
    stmt = card_select(*filter_clauses({"kind": ["advies"]})).order_by(Article.title)
    for card in cards(stmt):
        for advice in card.advice:
            found.setdefault(advice.number, card)
    return found


def newest(limit: int = 6) -> list[ArticleView]:
    """Return the most recently published or updated articles."""
    # A sync publishes many articles at once; then the most recent situation goes first.
    order = (Article.published_at.desc(), Article.reference_date.desc(), Article.title)
    stmt = card_select().order_by(*order).limit(limit)
    return changes.cached(("newest", limit), lambda: cards(stmt))


def newest_of_kind(kind: str, limit: int = 6) -> list[ArticleView]:
    """Return the published articles of one kind with the most recent stand van zaken first."""
    order = (Article.reference_date.desc(), Article.content_updated.desc(), Article.title)
    stmt = card_select(*filter_clauses({"kind": [kind]})).order_by(*order).limit(limit)
    return changes.cached(("newest-of-kind", kind, limit), lambda: cards(stmt))


def recently_changed(filters: dict[str, list[str]], limit: int | None) -> list[ArticleView]:
    """Published articles matching filters, most recently changed first (feeds, digests)."""
    stmt = card_select(*filter_clauses(filters))
    stmt = stmt.order_by(Article.updated_at.desc(), Article.id.desc())
    return cards(stmt.limit(limit) if limit else stmt)


COP_KIND = "community-of-practice"


def cop_filters(cop: Any) -> dict[str, list[str]]:
    """Return the filters of a Community of Practice's field: the articles on its themes."""
    return {"theme": [t.slug for t in cop.themes]}


def sources() -> list[Source]:
    """Return the source publications, oldest first."""
    order = (Source.year.is_(None), Source.year, Source.id)  # undated last on every database
    return list(db.session.scalars(select(Source).order_by(*order)))


# --- one article page -------------------------------------------------------------------------


NO_PORTRAIT = ("landelijk", "buitenland")  # regions that are not places


@dataclass
class ArticlePage:
    """An article with everything its page shows, except "Meer zoals dit" (from the index)."""

    article: ArticleView
    portraits: list[tuple[Row, ArticleView | None]]
    related: list[ArticleView]


def article_page(slug: str) -> ArticlePage | None:
    """Return the published article with this slug and its surroundings; cached per change."""
    return changes.cached_lru(("article", slug), lambda: _load_article_page(slug))


def _load_article_page(slug: str) -> ArticlePage | None:
    stmt = (
        published()
        .where(Article.slug == slug)
        .options(selectinload(Article.citations), selectinload(Article.links))
    )
    item = db.session.scalar(stmt)
    if item is None:
        return None
    cat = catalogue()
    view = plain(
        item,
        ArticleView,
        kind=cat.by_id["kind"].get(item.kind_id),
        themes=_resolve(cat, "theme", (t.id for t in item.themes)),
        regions=_resolve(cat, "region", (r.id for r in item.regions)),
        advice=_resolve(cat, "advice", (a.number for a in item.advice)),
        sectors=_resolve(cat, "sector", (s.id for s in item.sectors)),
        citations=[plain(c, source=plain(c.source) if c.source else None) for c in item.citations],
        links=[plain(link) for link in item.links],
    )
    portraits = region_portraits()
    shown = [(r, portraits.get(r.id)) for r in view.regions if r.slug not in NO_PORTRAIT]
    return ArticlePage(view, shown, related_articles(view))


def related_articles(article: Any, limit: int = 6) -> list[ArticleView]:
    """Articles the author linked (related first, then body links), then those linking here."""
    slugs = list(dict.fromkeys(link.target_slug for link in article.links))
    backlinks = select(ArticleLink.article_id).where(ArticleLink.target_slug == article.slug)
    found = cards(card_select(or_(Article.slug.in_(slugs), Article.id.in_(backlinks))))
    by_slug = {c.slug: c for c in found}
    ordered = [by_slug[s] for s in slugs if s in by_slug]
    seen = {c.id for c in ordered} | {article.id}
    for other in sorted(found, key=lambda c: c.title):
        if other.id not in seen:
            ordered.append(other)
            seen.add(other.id)
    return ordered[:limit]
