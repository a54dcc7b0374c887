"""Public pages: home, article, browse by theme, advies, region and kind, and the overviews."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from kb import changes, queries, search, taxonomy
from kb.models import Kind, Region, Theme, db
from kb.security import query_int

bp = Blueprint("public", __name__)
log = logging.getLogger(__name__)

SORT_LABELS = {"titel": "A–Z", "nieuw": "Nieuwste eerst"}


def _page_number() -> int:
    return query_int("pagina", 1)


def _sort() -> str:
    sort = request.args.get("sorteer", "titel")
    return sort if sort in SORT_LABELS else "titel"


@bp.get("/")
def home():
    """Show the search box, themes, adviezen, kinds, newest articles and regions."""
    region_counts = queries.region_counts()
    return render_template(
        "public/home.html",
        themes=queries.themes(),
        theme_counts=queries.theme_counts(),
        kinds=queries.kinds(),
        kind_counts=queries.kind_counts(),
        advice=queries.advice_list(),
        advice_counts=queries.advice_counts(),
        regions=[r for r in queries.regions() if region_counts.get(r.id) and r.slug != "landelijk"],
        region_counts=region_counts,
        newest=queries.newest(6),
        newest_examples=queries.newest_of_kind("praktijkvoorbeeld", 6),
    )


@bp.get("/artikel/<slug>")
def article(slug: str):
    """Show one published article with its metadata, source and related articles."""
    page = queries.article_page(slug)
    if page is None:
        abort(404)
    return render_template(
        "public/article.html",
        article=page.article,
        portraits=page.portraits,
        related=page.related,
        more_like_this=_more_like_this(page.article, page.related),
    )


def _more_like_this(article: queries.ArticleView, shown: list, limit: int = 4) -> list:
    """Published articles like this one that are not already shown; [] on index trouble."""
    try:
        ids = search.more_like_this(article.id, {a.id for a in shown}, limit)
    except Exception:  # the article page must render even when the index is broken
        log.warning("Meer zoals dit mislukt", exc_info=True)
        return []
    # Cached per list of ids (and change): the index answers the ids without SQL.
    return changes.cached_lru(("cards", tuple(ids)), lambda: queries.cards_in_order(ids))


def _browse(title: str, filters: dict[str, list[str]], intro: str = "", **extra):
    page = queries.paginate(filters, _page_number(), current_app.config["PER_PAGE"], _sort())
    return render_template(
        "public/browse.html",
        title=title,
        intro=intro,
        page=page,
        sort=_sort(),
        sort_labels=SORT_LABELS,
        **extra,
    )


@bp.get("/thema/<slug>")
def theme(slug: str):
    """List the articles with one theme (an old slug answers 301 to the new one)."""
    row = queries.taxonomy_row(Theme, slug)
    if row is None:
        return taxonomy.moved("theme", slug, "public.theme")
    return _browse(row.label, {"theme": [slug]}, row.description, search_filter=("theme", slug))


@bp.get("/advies/<int:number>")
def advice(number: int):
    """List the articles linked to one advies, with the advies page first."""
    row = queries.catalogue().by_id["advice"].get(number) or abort(404)
    return _browse(
        f"Advies {row.number}: {row.label}",
        {"advice": [str(number)]},
        advice_page=queries.advice_pages().get(number),
        search_filter=("advice", str(number)),
    )


@bp.get("/regio/<slug>")
def region(slug: str):
    """List the articles of one region, with its portrait first (old slugs answer 301)."""
    row = queries.taxonomy_row(Region, slug)
    if row is None:
        return taxonomy.moved("region", slug, "public.region")
    return _browse(
        row.name,
        {"region": [slug]},
        region=row,
        portrait=queries.region_portrait(row),
        search_filter=("region", slug),
    )


@bp.get("/soort/<slug>")
def kind(slug: str):
    """List the articles of one kind."""
    row = queries.taxonomy_row(Kind, slug) or abort(404)
    return _browse(
        row.plural, {"kind": [slug]}, row.description, search_filter=("kind", slug), kind=row
    )


@bp.get("/themas")
def themes():
    """List all themes with article counts."""
    rows = queries.themes()
    return render_template("public/themes.html", themes=rows, counts=queries.theme_counts())


@bp.get("/adviezen")
def advice_overview():
    """List the seven adviezen with article counts."""
    return render_template(
        "public/advice.html",
        advice=queries.advice_list(),
        counts=queries.advice_counts(),
        pages=queries.advice_pages(),
    )


@bp.get("/regios")
def regions():
    """List all regions with their provinces, portraits and article counts."""
    return render_template(
        "public/regions.html",
        regions=queries.regions(),
        counts=queries.region_counts(),
        portraits=queries.region_portraits(),
    )


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database and the index are usable, 503 otherwise."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        db.session.execute(select(1))
        checks["database"] = "ok"
    except Exception as exc:  # report, do not raise: this is the health check
        healthy, checks["database"] = False, f"fout: {exc.__class__.__name__}"
    index_ok, message = search.health()
    checks["index"] = "ok" if index_ok else message
    healthy = healthy and index_ok
    return {"status": "ok" if healthy else "fout", "checks": checks}, 200 if healthy else 503
